package io.twoway.salesforcesandbox;

import java.time.Instant;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One Contact as the sandbox holds it, immutable: every field's value (String, Boolean, or Instant for date-times),
 * when it went to the recycle bin, and the Sforce-Call-Options header of its last write (null for writes made as a
 * person in Salesforce, or without the header).
 */
public final class Contact {

    private final Map<ContactField, Object> values;
    private final Instant deletedDate;
    private final String lastModifiedCallOptions;

    private Contact(Map<ContactField, Object> values, Instant deletedDate, String lastModifiedCallOptions) {
        this.values = values;
        this.deletedDate = deletedDate;
        this.lastModifiedCallOptions = lastModifiedCallOptions;
    }

    static Contact created(String id, Map<ContactField, Object> fields, Instant at, Writer writer) {
        Map<ContactField, Object> v = new EnumMap<>(ContactField.class);
        v.put(ContactField.ID, id);
        v.put(ContactField.IS_DELETED, false);
        v.put(ContactField.FIRST_NAME, null);
        v.put(ContactField.LAST_NAME, null);
        v.put(ContactField.EMAIL, null);
        v.put(ContactField.CUSTOMER_ID, null);
        v.put(ContactField.ACTIVE, true);
        v.put(ContactField.CREATED_DATE, at);
        v.put(ContactField.CREATED_BY_ID, writer.userId());
        v.putAll(fields);
        return stamped(v, at, writer, null);
    }

    Contact updated(Map<ContactField, Object> fields, Instant at, Writer writer) {
        Map<ContactField, Object> v = new EnumMap<>(values);
        v.putAll(fields);
        return stamped(v, at, writer, null);
    }

    Contact deleted(Instant at, Writer writer) {
        Map<ContactField, Object> v = new EnumMap<>(values);
        v.put(ContactField.IS_DELETED, true);
        return stamped(v, at, writer, at);
    }

    private static Contact stamped(Map<ContactField, Object> v, Instant at, Writer writer, Instant deletedDate) {
        v.put(ContactField.LAST_MODIFIED_DATE, at);
        v.put(ContactField.LAST_MODIFIED_BY_ID, writer.userId());
        v.put(ContactField.SYSTEM_MODSTAMP, at);
        return new Contact(Collections.unmodifiableMap(v), deletedDate, writer.callOptions());
    }

    public String id() {
        return (String) values.get(ContactField.ID);
    }

    public boolean isDeleted() {
        return deletedDate != null;
    }

    /** When it went to the recycle bin; empty while it is live. */
    public Optional<Instant> deletedDate() {
        return Optional.ofNullable(deletedDate);
    }

    /**
     * A field's value by API name, in any case: String, Boolean, or Instant for date-times; null when unset.
     *
     * @throws IllegalArgumentException for a field Contact does not have
     */
    public Object get(String field) {
        return values.get(ContactField.named(field)
                .orElseThrow(() -> new IllegalArgumentException("Contact has no field " + field)));
    }

    public String lastModifiedById() {
        return (String) values.get(ContactField.LAST_MODIFIED_BY_ID);
    }

    public Instant systemModstamp() {
        return (Instant) values.get(ContactField.SYSTEM_MODSTAMP);
    }

    /** The Sforce-Call-Options header of the last write, as sent; null when it had none. */
    public String lastModifiedCallOptions() {
        return lastModifiedCallOptions;
    }

    /** The {@code client} that the last write's Sforce-Call-Options named; null when it named none. */
    public String lastModifiedClient() {
        if (lastModifiedCallOptions == null) {
            return null;
        }
        return Arrays.stream(lastModifiedCallOptions.split(","))
                .map(String::trim)
                .filter(option -> option.startsWith("client="))
                .map(option -> option.substring("client=".length()))
                .findFirst().orElse(null);
    }

    /** Every field as the API serves it (date-times in Salesforce's format), without {@code attributes}. */
    public Map<String, Object> fields() {
        Map<String, Object> out = new LinkedHashMap<>();
        values.forEach((field, value) -> out.put(field.apiName(), field.json(value)));
        return Collections.unmodifiableMap(out);
    }

    Object value(ContactField field) {
        return values.get(field);
    }

    /** The record as the API serves it: {@code attributes}, then the given fields in the given order. */
    Map<String, Object> json(List<ContactField> fields) {
        Map<String, Object> out = new LinkedHashMap<>();
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("type", "Contact");
        attributes.put("url", SalesforceSandbox.DATA_PATH + "/sobjects/Contact/" + id());
        out.put("attributes", attributes);
        fields.forEach(field -> out.put(field.apiName(), field.json(values.get(field))));
        return out;
    }

    @Override
    public String toString() {
        return "Contact" + fields() + (lastModifiedCallOptions == null ? "" : " via " + lastModifiedCallOptions);
    }
}
