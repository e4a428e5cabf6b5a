package io.twoway.stripe;

import io.twoway.customer.CustomerEvents;

/**
 * Two-way sync: the last state agreed with Stripe for one customer. {@code appliedVersion} is the newest local version
 * whose change Stripe holds; {@code name}, {@code email} and {@code deleted} are the values Stripe is known to hold
 * (the base of a three-way comparison); {@code remoteCreated} and {@code remoteEventId} are the newest Stripe event
 * applied (the order guard).
 */
public record SyncState(long customerId, String externalId, long appliedVersion, String name, String email, boolean deleted,
                        Long remoteCreated, String remoteEventId) {

    public String field(String field) {
        return CustomerEvents.field(field, name, email);
    }
}
