package io.twoway.customer;

/** Customer catalog: the event types that a catalog change writes to the outbox. */
public final class CustomerEvents {

    public static final String AGGREGATE = "customer";
    public static final String CREATED = "CustomerCreated";
    public static final String UPDATED = "CustomerUpdated";
    public static final String DELETED = "CustomerDeleted";

    private CustomerEvents() {}
}
