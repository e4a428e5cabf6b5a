package io.twoway.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The mapper between a local customer and a Salesforce Contact. The name rule, which survives a round trip: the local
 * name is split at its last space, the part before it to {@code FirstName} and the last word to {@code LastName}
 * ({@code "Ada King Lovelace"} → {@code "Ada King"} + {@code "Lovelace"}); a one-word name, or one whose first part
 * would not fit {@code FirstName}'s 40 characters, goes whole to {@code LastName} (which Salesforce requires). Back, the
 * local name is {@code FirstName + " " + LastName}, or {@code LastName} alone when {@code FirstName} is empty.
 * {@code Email} maps as it is; {@code Twoway_Customer_Id__c} holds the local id.
 */
public final class ContactMapper {

    public static final String FIRST_NAME = "FirstName";
    public static final String LAST_NAME = "LastName";
    public static final String EMAIL = "Email";
    public static final String ACTIVE = "Twoway_Active__c";
    static final int FIRST_NAME_MAX = 40;

    /** The fields an inward read selects. */
    public static final String FIELDS = "Id, FirstName, LastName, Email, " + SalesforceClient.EXTERNAL_ID + ", " + ACTIVE
            + ", SystemModstamp, LastModifiedById";

    private ContactMapper() {}

    /** {@code FirstName} (null when none) and {@code LastName} of a local name. */
    public static String[] split(String name) {
        String trimmed = name == null ? "" : name.strip();
        int space = trimmed.lastIndexOf(' ');
        if (space <= 0 || space > FIRST_NAME_MAX) {
            return new String[] {null, trimmed};
        }
        return new String[] {trimmed.substring(0, space), trimmed.substring(space + 1)};
    }

    /** The local name of a Contact. */
    public static String join(String firstName, String lastName) {
        String last = lastName == null ? "" : lastName.strip();
        return firstName == null || firstName.isBlank() ? last : firstName.strip() + " " + last;
    }

    /** An upsert record by external id; {@code active} false deactivates (the delete setting). */
    public static Map<String, Object> upsertRecord(long customerId, String name, String email, boolean active) {
        String[] parts = split(name);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put(SalesforceClient.EXTERNAL_ID, Long.toString(customerId));
        record.put(FIRST_NAME, parts[0]);
        record.put(LAST_NAME, parts[1]);
        record.put(EMAIL, email);
        record.put(ACTIVE, active);
        return record;
    }

    /** A Contact as a query returns it. */
    public record Contact(String id, Long customerId, String name, String email, boolean active, String modstamp, String lastModifiedById) {

        public static Contact of(JsonNode record) {
            String external = text(record, SalesforceClient.EXTERNAL_ID);
            return new Contact(text(record, "Id"), external != null && external.matches("[1-9][0-9]{0,17}") ? Long.parseLong(external) : null,
                    join(text(record, FIRST_NAME), text(record, LAST_NAME)), text(record, EMAIL),
                    !record.path(ACTIVE).isBoolean() || record.path(ACTIVE).asBoolean(), text(record, "SystemModstamp"), text(record, "LastModifiedById"));
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
