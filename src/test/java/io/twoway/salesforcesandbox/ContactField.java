package io.twoway.salesforcesandbox;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Contact's fields in this org, in the order records list them: API name, type, length limit, and whether the API may
 * write them. Names are case-insensitive, as in Salesforce. The external id {@code Twoway_Customer_Id__c} is a
 * case-sensitive unique text field of 255 characters.
 */
enum ContactField {
    ID("Id", Type.ID, 0, false),
    IS_DELETED("IsDeleted", Type.BOOLEAN, 0, false),
    FIRST_NAME("FirstName", Type.TEXT, 40, true),
    LAST_NAME("LastName", Type.TEXT, 80, true),
    EMAIL("Email", Type.TEXT, 80, true),
    CUSTOMER_ID(SalesforceSandbox.EXTERNAL_ID_FIELD, Type.TEXT, 255, true),
    ACTIVE("Twoway_Active__c", Type.BOOLEAN, 0, true),
    CREATED_DATE("CreatedDate", Type.DATE_TIME, 0, false),
    CREATED_BY_ID("CreatedById", Type.ID, 0, false),
    LAST_MODIFIED_DATE("LastModifiedDate", Type.DATE_TIME, 0, false),
    LAST_MODIFIED_BY_ID("LastModifiedById", Type.ID, 0, false),
    SYSTEM_MODSTAMP("SystemModstamp", Type.DATE_TIME, 0, false);

    /** How values are held (String, Boolean, Instant) and compared (ids exactly, text ignoring case). */
    enum Type { ID, TEXT, BOOLEAN, DATE_TIME }

    static final List<ContactField> ALL = List.of(values());
    private static final Map<String, ContactField> BY_NAME = Arrays.stream(values())
            .collect(Collectors.toUnmodifiableMap(f -> f.apiName.toLowerCase(Locale.ROOT), Function.identity()));

    private final String apiName;
    private final Type type;
    private final int maxLength;
    private final boolean writable;

    ContactField(String apiName, Type type, int maxLength, boolean writable) {
        this.apiName = apiName;
        this.type = type;
        this.maxLength = maxLength;
        this.writable = writable;
    }

    static Optional<ContactField> named(String name) {
        return Optional.ofNullable(name == null ? null : BY_NAME.get(name.toLowerCase(Locale.ROOT)));
    }

    String apiName() {
        return apiName;
    }

    Type type() {
        return type;
    }

    /** The text limit; 0 for fields that are not text. */
    int maxLength() {
        return maxLength;
    }

    boolean writable() {
        return writable;
    }

    /** A stored value as JSON shows it: date-times in Salesforce's format, the rest as is. */
    Object json(Object value) {
        return value instanceof Instant instant ? SalesforceTime.format(instant) : value;
    }
}
