package io.twoway.stripe;

import io.twoway.customer.CustomerRepository;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Outward sync: what has already reached Stripe. The event-id ledger, the per-customer applied version and the
 * local write-back are recorded in one transaction, so an event is applied once and a stale one is recognised.
 */
@Component
public class SyncLedger {

    public static final String CONSUMER = "stripe-customer-sync";
    public static final String SYSTEM = "stripe";

    private final JdbcTemplate jdbc;
    private final CustomerRepository customers;

    public SyncLedger(JdbcTemplate jdbc, CustomerRepository customers) {
        this.jdbc = jdbc;
        this.customers = customers;
    }

    /**
     * Why the event needs no Stripe call, in one query: its id is in the ledger, or Stripe already has this customer
     * at the same or a newer version (then the stale event is entered in the ledger). Empty when it must be applied.
     */
    public Optional<String> skipReason(CustomerSyncEvent event) {
        Map<String, Object> seen = jdbc.queryForMap("""
                select exists(select 1 from processed_events where consumer = ? and event_id = ?) as processed,
                       (select applied_version from sync_state where customer_id = ? and system = ?) as applied
                """, CONSUMER, event.eventId(), event.customerId(), SYSTEM);
        if (Boolean.TRUE.equals(seen.get("processed"))) {
            return Optional.of("already processed");
        }
        if (seen.get("applied") instanceof Number applied && applied.longValue() >= event.version()) {
            markProcessed(event.eventId());
            return Optional.of("stale: version " + applied + " is already in Stripe");
        }
        return Optional.empty();
    }

    /** The Stripe id known for the customer: the catalog row's, written back by the create. */
    public Optional<String> stripeId(long customerId) {
        return customers.find(customerId).map(c -> c.stripeCustomerId());
    }

    /** Records the event as applied: ledger row, Stripe id write-back (no outbox event), agreed state. */
    @Transactional
    public void recordApplied(CustomerSyncEvent event, String stripeId) {
        markProcessed(event.eventId());
        if (stripeId != null && !event.isDelete()) {
            customers.linkStripeCustomer(event.customerId(), stripeId);
        }
        jdbc.update("""
                insert into sync_state (customer_id, system, external_id, applied_version, name, email, deleted, synced_at)
                values (?, ?, ?, ?, ?, ?, ?, now())
                on conflict (customer_id, system) do update set
                    external_id = coalesce(excluded.external_id, sync_state.external_id),
                    applied_version = excluded.applied_version, name = excluded.name, email = excluded.email,
                    deleted = excluded.deleted, synced_at = now()
                where sync_state.applied_version < excluded.applied_version
                """, event.customerId(), SYSTEM, stripeId, event.version(), event.name(), event.email(), event.isDelete());
    }

    /** Puts the event id in the ledger; alone for a skipped (stale) event, so it is not looked at again. */
    public void markProcessed(String eventId) {
        jdbc.update("insert into processed_events (consumer, event_id) values (?, ?) on conflict do nothing", CONSUMER, eventId);
    }
}
