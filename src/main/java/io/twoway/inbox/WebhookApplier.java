package io.twoway.inbox;

/**
 * Inward sync: an integration's apply step for its webhook events. It runs inside the inbox's transaction, after the
 * per-object lock, so it sees one event of an object at a time.
 */
public interface WebhookApplier {

    /** The {@code source} of the events it applies (the integration's name, e.g. {@code stripe}). */
    String source();

    /** True for the event types it applies; the others are stored as {@code ignored}. */
    boolean handles(String type);

    Outcome apply(InboxEvent event);
}
