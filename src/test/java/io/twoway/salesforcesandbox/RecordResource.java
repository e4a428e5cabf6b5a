package io.twoway.salesforcesandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * sObject Rows for Contact: create; get, update and delete by Id; get and upsert by external id. A failed write
 * answers its error with the error's status (400, or 404 for NOT_FOUND and ENTITY_IS_DELETED).
 */
final class RecordResource {

    private final ContactStore store;

    RecordResource(ContactStore store) {
        this.store = store;
    }

    /** POST sobjects/Contact: 201 {@code {"id","success":true,"errors":[]}}. */
    ApiResponse create(ApiRequest request) {
        Map<ContactField, Object> fields = ContactInput.fields(SalesforceJson.object(request.body()));
        return ApiResponse.created(saveResult(writeOne(request, new ContactChange.Create(fields))));
    }

    ApiResponse get(String id) {
        return ApiResponse.ok(store.live(id).json(ContactField.ALL));
    }

    /** PATCH sobjects/Contact/{Id}: 204. */
    ApiResponse update(ApiRequest request, String id) {
        Map<ContactField, Object> fields = ContactInput.fields(SalesforceJson.object(request.body()));
        writeOne(request, new ContactChange.Update(id, fields));
        return ApiResponse.noContent();
    }

    /** DELETE sobjects/Contact/{Id}: 204. */
    ApiResponse delete(ApiRequest request, String id) {
        writeOne(request, new ContactChange.Delete(id));
        return ApiResponse.noContent();
    }

    ApiResponse getByCustomerId(String customerId) {
        return ApiResponse.ok(store.liveByCustomerId(customerId).json(ContactField.ALL));
    }

    /**
     * PATCH sobjects/Contact/Twoway_Customer_Id__c/{value}, whose body must not set that field: 201 with
     * {@code "created":true} when it creates, 200 with {@code "created":false} when it updates.
     */
    ApiResponse upsert(ApiRequest request, String customerId) {
        Map<ContactField, Object> fields = ContactInput.fields(SalesforceJson.object(request.body()));
        if (fields.containsKey(ContactField.CUSTOMER_ID)) {
            throw SalesforceErrors.externalIdInBody(ContactField.CUSTOMER_ID.apiName());
        }
        WriteResult result = writeOne(request, new ContactChange.Upsert(customerId, fields));
        Map<String, Object> body = saveResult(result);
        body.put("created", result.created());
        return new ApiResponse(result.created() ? 201 : 200, body);
    }

    private WriteResult writeOne(ApiRequest request, ContactChange change) {
        if (request.locked()) {
            throw SalesforceErrors.unableToLockRow();
        }
        WriteResult result = store.write(List.of(change), true, request.writer()).get(0);
        if (!result.success()) {
            throw result.error();
        }
        return result;
    }

    private static Map<String, Object> saveResult(WriteResult result) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("id", result.id());
        body.put("success", true);
        body.put("errors", List.of());
        return body;
    }
}
