package io.twoway.stripe;

import io.twoway.config.TwowayProperties;
import io.twoway.customer.CustomerEvents;
import io.twoway.customer.CustomerRepository;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;

/**
 * Two-way sync: what Stripe holds. The event-id ledger of the outward consumer, and the per-customer agreed state
 * ({@code sync_state}) that both directions keep: the outward side after each Stripe call, the inward side after each
 * applied webhook. The outward ledger row, the Stripe id write-back and the agreed state commit together.
 */
@Component
public class SyncLedger {

    public static final String CONSUMER = "stripe-customer-sync";
    public static final String SYSTEM = "stripe";

    private static final Logger LOG = LoggerFactory.getLogger(SyncLedger.class);

    private final JdbcTemplate jdbc;
    private final CustomerRepository customers;
    private final long ledgerRetentionHours;

    public SyncLedger(JdbcTemplate jdbc, CustomerRepository customers, TwowayProperties properties) {
        this.jdbc = jdbc;
        this.customers = customers;
        this.ledgerRetentionHours = properties.outbox().ledgerRetentionHours();
    }

    /**
     * Why the event needs no Stripe call, in one query: its id is in the ledger, the change came from Stripe itself,
     * or Stripe already has this customer at the same or a newer version. Such an event is entered in the ledger (and
     * one from Stripe confirms its version). Empty when it must be applied.
     */
    @Transactional
    public Optional<String> skipReason(CustomerSyncEvent event) {
        Map<String, Object> seen = jdbc.queryForMap("""
                select exists(select 1 from processed_events where consumer = ? and event_id = ?) as processed,
                       (select applied_version from sync_state where customer_id = ? and system = ?) as applied
                """, CONSUMER, event.eventId(), event.customerId(), SYSTEM);
        if (Boolean.TRUE.equals(seen.get("processed"))) {
            return Optional.of("already processed");
        }
        if (SYSTEM.equals(event.origin())) {
            markProcessed(event, "skipped: the change came from Stripe");
            confirmOwnChange(SYSTEM, event.customerId(), event.version());
            return Optional.of("the change came from Stripe");
        }
        if (seen.get("applied") instanceof Number applied && applied.longValue() >= event.version()) {
            markProcessed(event, "skipped: version " + applied + " is already in Stripe");
            return Optional.of("stale: version " + applied + " is already in Stripe");
        }
        return Optional.empty();
    }

    /**
     * Before a Stripe create: marks the customer as known to the outward side (a {@code sync_state} row), so that no
     * webhook links it by email to another Stripe customer while the create is in flight; returns the Stripe id when a
     * webhook has linked it already (then the create becomes an update). The row lock orders the two.
     */
    @Transactional
    public Optional<String> beginCreate(long customerId) {
        List<String> linked = jdbc.queryForList("select stripe_customer_id from customers where id = ? for update", String.class, customerId);
        if (!linked.isEmpty() && linked.get(0) != null) {
            return Optional.of(linked.get(0));
        }
        jdbc.update("insert into sync_state (customer_id, system, applied_version) values (?, ?, 0) on conflict do nothing", customerId, SYSTEM);
        return Optional.empty();
    }

    public Optional<SyncState> state(long customerId) {
        return state(SYSTEM, customerId);
    }

    /** The state agreed with that integration ({@code system}) for the customer. */
    public Optional<SyncState> state(String system, long customerId) {
        return jdbc.query("""
                select customer_id, external_id, applied_version, name, email, deleted, remote_created, remote_event_id
                from sync_state where customer_id = ? and system = ?
                """, (rs, n) -> new SyncState(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4), rs.getString(5),
                rs.getBoolean(6), (Long) rs.getObject(7), rs.getString(8)), customerId, system).stream().findFirst();
    }

    /** The local customer whose agreed state with that integration names this remote id. */
    public Optional<Long> customerOf(String system, String externalId) {
        return jdbc.queryForList("select customer_id from sync_state where system = ? and external_id = ? order by customer_id limit 1", Long.class,
                system, externalId).stream().findFirst();
    }

    /** The fields of the customer that an open conflict holds back from Stripe until an admin resolves it. */
    public Set<String> heldFields(long customerId) {
        return new HashSet<>(jdbc.queryForList(
                "select distinct jsonb_object_keys(fields) from conflicts where customer_id = ? and system = ? and status = 'open'",
                String.class, customerId, SYSTEM));
    }

    /**
     * Records the event as applied: ledger row, Stripe id write-back (no outbox event), and the agreed state: the
     * version, and the values of the fields that were sent ({@code null} = not sent, the agreed value stays).
     */
    @Transactional
    public void recordApplied(CustomerSyncEvent event, String stripeId, String sentName, String sentEmail) {
        List<String> sent = new ArrayList<>();
        if (sentName != null) {
            sent.add(CustomerEvents.NAME);
        }
        if (sentEmail != null) {
            sent.add(CustomerEvents.EMAIL);
        }
        markProcessed(event, stripeId == null ? "applied: never in Stripe, nothing to send"
                : event.isDelete() ? "applied: deleted " + stripeId : sent.isEmpty() ? "applied: nothing left to send to " + stripeId
                : "applied: sent " + sent + " to " + stripeId);
        if (stripeId != null && !event.isDelete()) {
            customers.linkStripeCustomer(event.customerId(), stripeId);
        }
        recordSent(SYSTEM, event.customerId(), stripeId, event.version(), sentName, sentEmail, event.isDelete());
    }

    /**
     * Outward, for any integration: {@code system} holds the customer's {@code version} now, under {@code externalId}
     * (null: the one agreed before stays), with the values sent ({@code null} = not sent, the agreed value stays). The
     * version only moves forward.
     */
    public void recordSent(String system, long customerId, String externalId, long version, String sentName, String sentEmail, boolean deleted) {
        jdbc.update("""
                insert into sync_state (customer_id, system, external_id, applied_version, name, email, deleted, synced_at)
                values (?, ?, ?, ?, ?, ?, ?, now())
                on conflict (customer_id, system) do update set
                    external_id = coalesce(excluded.external_id, sync_state.external_id),
                    applied_version = excluded.applied_version,
                    name = coalesce(excluded.name, sync_state.name), email = coalesce(excluded.email, sync_state.email),
                    deleted = excluded.deleted, synced_at = now()
                where sync_state.applied_version < excluded.applied_version
                """, customerId, system, externalId, version, sentName, sentEmail, deleted);
    }

    /**
     * Inward: Stripe holds {@code remote} now (a webhook applied, or Twoway's own write echoed back). The remote
     * watermark only moves forward; {@code appliedVersion}, when given, only moves forward too.
     */
    public void recordRemote(String system, long customerId, RemoteCustomer remote, Long appliedVersion) {
        jdbc.update("""
                insert into sync_state (customer_id, system, external_id, applied_version, name, email, deleted,
                                        remote_created, remote_event_id, synced_at)
                values (?, ?, ?, coalesce(?, 0), ?, ?, ?, ?, ?, now())
                on conflict (customer_id, system) do update set
                    external_id = excluded.external_id,
                    applied_version = greatest(sync_state.applied_version, coalesce(?, sync_state.applied_version)),
                    name = coalesce(excluded.name, sync_state.name), email = coalesce(excluded.email, sync_state.email),
                    deleted = excluded.deleted,
                    remote_created = greatest(sync_state.remote_created, excluded.remote_created),
                    remote_event_id = excluded.remote_event_id, synced_at = now()
                """, customerId, system, remote.id(), appliedVersion, remote.name(), remote.email(), remote.deleted(),
                remote.created(), remote.eventId(), appliedVersion);
    }

    /**
     * Reconciliation and backfill: Stripe holds these values now and the local catalog agrees with them up to
     * {@code version} (0: a link that agrees with nothing local yet). The versions only move forward.
     */
    public void recordAgreed(long customerId, String stripeId, String name, String email, boolean deleted, long version) {
        jdbc.update("""
                insert into sync_state (customer_id, system, external_id, applied_version, name, email, deleted, synced_at)
                values (?, ?, ?, ?, ?, ?, ?, now())
                on conflict (customer_id, system) do update set
                    external_id = excluded.external_id, applied_version = greatest(sync_state.applied_version, excluded.applied_version),
                    name = excluded.name, email = excluded.email, deleted = excluded.deleted, synced_at = now()
                """, customerId, SYSTEM, stripeId, version, name, email, deleted);
    }

    /**
     * Outward: Stripe answered an update with 404, so the customer was deleted there outside Twoway: it is deleted
     * locally too (no outbox event, Stripe already agrees) and the agreed state says so.
     */
    @Transactional
    public void markDeletedInStripe(long customerId, String stripeId) {
        customers.lockActive(customerId).ifPresent(c -> {
            var deleted = customers.deactivate(customerId, CustomerEvents.ORIGIN_STRIPE);
            recordAgreed(customerId, stripeId, c.name(), c.email(), true, deleted.version());
        });
    }

    /** Forgets what was agreed with Stripe: the customer is about to be created in Stripe again. */
    public void forget(long customerId) {
        jdbc.update("delete from sync_state where customer_id = ? and system = ?", customerId, SYSTEM);
    }

    /** Inward: an event that changes nothing still moves the remote watermark forward. */
    public void advanceRemote(String system, long customerId, RemoteCustomer remote) {
        jdbc.update("""
                update sync_state set remote_created = greatest(remote_created, ?), remote_event_id = ?, synced_at = now()
                where customer_id = ? and system = ? and (remote_created is null or remote_created <= ?)
                """, remote.created(), remote.eventId(), customerId, system, remote.created());
    }

    /** The {@code outbox-prune} step: deletes ledger entries older than the retention, a bounded chunk at a time. */
    public int prune() {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.update("""
                    delete from processed_events where ctid in (
                        select ctid from processed_events where processed_at < now() - make_interval(hours => ?) limit 10000)
                    """, (int) ledgerRetentionHours);
            total += deleted;
        } while (deleted > 0);
        if (total > 0) {
            LOG.info("Pruned {} event-ledger entries older than {} h", total, ledgerRetentionHours);
        }
        return total;
    }

    /** Puts the event in the ledger with its customer and what became of it (its line in the customer's timeline). */
    private void markProcessed(CustomerSyncEvent event, String outcome) {
        markProcessed(CONSUMER, event, outcome);
    }

    /** The same for that integration's outward consumer. */
    public void markProcessed(String consumer, CustomerSyncEvent event, String outcome) {
        jdbc.update("""
                insert into processed_events (consumer, event_id, customer_id, kafka_partition, kafka_offset, outcome) values (?, ?, ?, ?, ?, ?)
                on conflict do nothing
                """, consumer, event.eventId(), event.customerId(), event.partition(), event.offset(), outcome);
    }

    /** A change that came from {@code system} itself: that system holds its version already. */
    public void confirmOwnChange(String system, long customerId, long version) {
        jdbc.update("update sync_state set applied_version = ? where customer_id = ? and system = ? and applied_version < ?",
                version, customerId, system, version);
    }

    /** A Stripe write Twoway made: the local version it carried and the fields it set (version null once pruned). */
    public record OwnWrite(Long version, Set<String> fields, String correlationId) {}

    /**
     * The write Twoway sent under this idempotency key, recognised exactly: the key is the id of one of its outbox
     * events (the outbox row, or the ledger once the row is pruned). Empty for any other key.
     */
    public Optional<OwnWrite> ownWrite(String idempotencyKey) {
        UUID outboxId;
        try {
            outboxId = idempotencyKey == null ? null : UUID.fromString(idempotencyKey);
        } catch (IllegalArgumentException notOurs) {
            return Optional.empty();
        }
        if (outboxId == null) {
            return Optional.empty();
        }
        List<OwnWrite> sent = jdbc.query("""
                select (payload->>'version')::bigint as version, correlation_id,
                       array(select jsonb_array_elements_text(coalesce(payload->'changed', '["name","email"]'::jsonb))) as changed
                from outbox_events where id = ?
                """, (rs, n) -> new OwnWrite(rs.getLong("version"), Set.of((String[]) rs.getArray("changed").getArray()), rs.getString("correlation_id")),
                outboxId);
        if (!sent.isEmpty()) {
            return Optional.of(sent.get(0));
        }
        boolean processed = Boolean.TRUE.equals(jdbc.queryForObject(
                "select exists(select 1 from processed_events where consumer = ? and event_id = ?)", Boolean.class, CONSUMER, idempotencyKey));
        return processed ? Optional.of(new OwnWrite(null, Set.copyOf(CustomerEvents.SYNCED_FIELDS), null)) : Optional.empty();
    }
}
