package io.twoway.salesforcesandbox;

import java.util.List;

/** The errors the sandbox answers with, worded as Salesforce words them. */
final class SalesforceErrors {

    private SalesforceErrors() {
    }

    static SalesforceException invalidSession() {
        return new SalesforceException(401, "INVALID_SESSION_ID", "Session expired or invalid", null);
    }

    static SalesforceException requestLimitExceeded() {
        return new SalesforceException(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.", null);
    }

    static SalesforceException serverUnavailable() {
        return new SalesforceException(503, "SERVER_UNAVAILABLE", "Server temporarily unavailable, try again later",
                null);
    }

    static SalesforceException unknownException(String detail) {
        return new SalesforceException(500, "UNKNOWN_EXCEPTION", "An unexpected error occurred: " + detail, null);
    }

    static SalesforceException notFound() {
        return new SalesforceException(404, "NOT_FOUND", "The requested resource does not exist", null);
    }

    static SalesforceException noSuchExternalIdField(String field) {
        return new SalesforceException(404, "NOT_FOUND",
                "Provided external ID field does not exist or is not accessible: " + field, null);
    }

    static SalesforceException methodNotAllowed(String method, List<String> allowed) {
        return new SalesforceException(405, "METHOD_NOT_ALLOWED",
                "HTTP Method '" + method + "' not allowed. Allowed are " + String.join(",", allowed), null);
    }

    static SalesforceException entityIsDeleted() {
        return new SalesforceException(404, "ENTITY_IS_DELETED", "entity is deleted", List.of());
    }

    static SalesforceException malformedId(String id) {
        return new SalesforceException(400, "MALFORMED_ID", "Contact ID: id value of incorrect type: " + id,
                List.of("Id"));
    }

    static SalesforceException missingArgument(String message) {
        return new SalesforceException(400, "MISSING_ARGUMENT", message, List.of());
    }

    static SalesforceException requiredFieldMissing(ContactField field) {
        return new SalesforceException(400, "REQUIRED_FIELD_MISSING",
                "Required fields are missing: [" + field.apiName() + "]", List.of(field.apiName()));
    }

    static SalesforceException stringTooLong(ContactField field, String value) {
        return new SalesforceException(400, "STRING_TOO_LONG", field.apiName() + ": data value too large: " + value
                + " (max length=" + field.maxLength() + ")", List.of(field.apiName()));
    }

    static SalesforceException invalidEmail(String value) {
        return new SalesforceException(400, "INVALID_EMAIL_ADDRESS", "Email: invalid email address: " + value,
                List.of("Email"));
    }

    static SalesforceException noSuchField(String name) {
        return new SalesforceException(400, "INVALID_FIELD", "No such column '" + name
                + "' on sobject of type Contact", List.of(name));
    }

    static SalesforceException notWritable(ContactField field) {
        return new SalesforceException(400, "INVALID_FIELD", "Unable to create/update fields: " + field.apiName()
                + ". Please check the security settings of this field and verify that it is read/write for your"
                + " profile or permission set.", List.of(field.apiName()));
    }

    static SalesforceException externalIdInBody(String field) {
        return new SalesforceException(400, "INVALID_FIELD", "The external ID field " + field
                + " is given in the URL; the body must not set it", List.of(field));
    }

    static SalesforceException jsonParser(String message) {
        return new SalesforceException(400, "JSON_PARSER_ERROR", message, List.of());
    }

    static SalesforceException duplicateValue(ContactField field, String existingId) {
        return new SalesforceException(400, "DUPLICATE_VALUE", "duplicate value found: " + field.apiName()
                + " duplicates value on record with id: " + existingId, List.of(field.apiName()));
    }

    static SalesforceException duplicateExternalId(String value) {
        return new SalesforceException(400, "DUPLICATE_EXTERNAL_ID",
                "Twoway_Customer_Id__c: more than one record in this request has the value " + value, List.of());
    }

    static SalesforceException duplicatesDetected() {
        return new SalesforceException(400, "DUPLICATES_DETECTED", "Use one of these records?", List.of());
    }

    static SalesforceException validationRule(String code, String message, ContactField field) {
        return new SalesforceException(400, code, message, List.of(field.apiName()));
    }

    static SalesforceException unableToLockRow() {
        return new SalesforceException(400, "UNABLE_TO_LOCK_ROW",
                "unable to obtain exclusive access to this record or 1 records", List.of());
    }

    static SalesforceException rolledBack() {
        return new SalesforceException(400, "ALL_OR_NONE_OPERATION_ROLLED_BACK",
                "Record rolled back because not all records were valid and the request was using AllOrNone header",
                List.of());
    }

    static SalesforceException exceededIdLimit(int max) {
        return new SalesforceException(400, "EXCEEDED_ID_LIMIT",
                "record limit reached. cannot submit more than " + max + " records into this call", null);
    }

    static SalesforceException malformedQuery(String message) {
        return new SalesforceException(400, "MALFORMED_QUERY", message, null);
    }

    static SalesforceException invalidQueryField(String message) {
        return new SalesforceException(400, "INVALID_FIELD", message, null);
    }

    static SalesforceException invalidType(String type) {
        return new SalesforceException(400, "INVALID_TYPE", "sObject type '" + type + "' is not supported.", null);
    }

    static SalesforceException invalidQueryLocator() {
        return new SalesforceException(400, "INVALID_QUERY_LOCATOR", "invalid query locator", null);
    }

    static SalesforceException invalidReplicationDate(String message) {
        return new SalesforceException(400, "INVALID_REPLICATION_DATE", message, null);
    }
}
