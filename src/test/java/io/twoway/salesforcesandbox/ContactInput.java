package io.twoway.salesforcesandbox;

import java.util.EnumMap;
import java.util.Map;

/**
 * Reads a JSON record body into Contact field values. Mistakes in naming and typing (an unknown or read-only field, a
 * number for a text field) are INVALID_FIELD or JSON_PARSER_ERROR and fail the whole call, as Salesforce fails a body
 * it cannot deserialise; the values themselves are checked per record when written.
 */
final class ContactInput {

    private ContactInput() {
    }

    /** The writable fields given, but {@code attributes}: text ("" reads as null) or Boolean (null reads false). */
    static Map<ContactField, Object> fields(Map<String, Object> json) {
        Map<ContactField, Object> out = new EnumMap<>(ContactField.class);
        json.forEach((name, raw) -> {
            if (name.equals("attributes")) {
                return;
            }
            ContactField field = ContactField.named(name).orElseThrow(() -> SalesforceErrors.noSuchField(name));
            if (!field.writable()) {
                throw SalesforceErrors.notWritable(field);
            }
            out.put(field, value(field, raw));
        });
        return out;
    }

    /** A text value given in JSON, such as an id or an external id inside a collections record: string or null. */
    static String text(String name, Object raw) {
        if (raw == null || raw instanceof String) {
            return raw == null || ((String) raw).isEmpty() ? null : (String) raw;
        }
        throw SalesforceErrors.jsonParser("Cannot deserialize value of type `String` for " + name + " from "
                + SalesforceJson.write(raw));
    }

    private static Object value(ContactField field, Object raw) {
        if (field.type() != ContactField.Type.BOOLEAN) {
            return text(field.apiName(), raw);
        }
        if (raw == null || raw instanceof Boolean) {
            return raw != null && (Boolean) raw;
        }
        throw SalesforceErrors.jsonParser("Cannot deserialize value of type `boolean` for " + field.apiName()
                + " from " + SalesforceJson.write(raw));
    }
}
