package io.twoway.customer;

import java.util.List;

/** Customer catalog: the event types that a catalog change writes to the outbox. */
public final class CustomerEvents {

    public static final String AGGREGATE = "customer";
    public static final String CREATED = "CustomerCreated";
    public static final String UPDATED = "CustomerUpdated";
    public static final String DELETED = "CustomerDeleted";

    /** The fields that are synced with other systems; an event's {@code changed} list names some of them. */
    public static final String NAME = "name";
    public static final String EMAIL = "email";
    public static final List<String> SYNCED_FIELDS = List.of(NAME, EMAIL);

    /** The value of a synced field, for the records that carry name and email. */
    public static String field(String field, String name, String email) {
        return switch (field) {
            case NAME -> name;
            case EMAIL -> email;
            default -> throw new IllegalArgumentException("not a synced field: " + field);
        };
    }

    /** Where a local write came from; an integration never sends a change back to its own origin. */
    public static final String ORIGIN_API = "api";
    public static final String ORIGIN_STRIPE = "stripe";
    public static final String ORIGIN_SALESFORCE = "salesforce";
    public static final String ORIGIN_CONFLICT = "conflict";
    public static final String ORIGIN_RECONCILE = "reconcile";
    public static final String ORIGIN_REPLAY = "replay";

    private CustomerEvents() {}
}
