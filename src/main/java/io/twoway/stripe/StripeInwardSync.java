package io.twoway.stripe;

import io.twoway.conflict.ConflictPolicy;
import io.twoway.conflict.ConflictStore;
import io.twoway.customer.Customer;
import io.twoway.customer.CustomerEvents;
import io.twoway.customer.CustomerRepository;
import io.twoway.inbox.InboxEvent;
import io.twoway.inbox.Outcome;
import io.twoway.inbox.WebhookApplier;
import io.twoway.sync.InwardMerge;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Inward sync: applies one Stripe customer event to the local catalog (the {@code webhook-stripe-apply} step). In
 * order: Twoway's own write echoed back only confirms the agreed state; the order guard drops an event older than the
 * agreed remote state and, when two events share a second and the event does not follow from the agreed state, reads
 * the customer from Stripe instead; then the local customer is found (by Stripe id, by the local id in its metadata, or
 * by email, which links it) or created, and the remote values are merged with local changes not yet in Stripe, where
 * conflicts are detected and settled by the configured strategy. Every local write records origin {@code stripe}, so
 * the outward consumer never sends it back.
 */
@Component
public class StripeInwardSync implements WebhookApplier {

    private static final String SYSTEM = SyncLedger.SYSTEM;

    private final CustomerRepository customers;
    private final SyncLedger ledger;
    private final InwardMerge inward;
    private final StripeGateway stripe;

    public StripeInwardSync(CustomerRepository customers, SyncLedger ledger, InwardMerge inward, StripeGateway stripe) {
        this.customers = customers;
        this.ledger = ledger;
        this.inward = inward;
        this.stripe = stripe;
    }

    @Override
    public String source() {
        return SYSTEM;
    }

    @Override
    public boolean handles(String type) {
        return RemoteCustomer.CREATED.equals(type) || RemoteCustomer.UPDATED.equals(type) || RemoteCustomer.DELETED.equals(type);
    }

    @Override
    public Outcome apply(InboxEvent event) {
        RemoteCustomer remote = RemoteCustomer.fromEvent(event.payload());
        Optional<SyncLedger.OwnWrite> echo = ledger.ownWrite(remote.idempotencyKey());
        if (echo.isPresent()) {
            if (echo.get().correlationId() != null) {
                // the echo's log lines carry the correlation id of the request that made the change
                MDC.put("correlationId", echo.get().correlationId());
            }
            return confirmEcho(remote, echo.get());
        }
        Optional<Customer> found = customers.lockByStripeId(remote.id());
        if (found.isEmpty() && remote.localId() != null && !remote.deleted()) {
            // never on a delete: a late delete of a Stripe customer that reconciliation replaced must not take its place
            Optional<Customer> byMetadata = customers.lock(remote.localId());
            if (byMetadata.isPresent() && byMetadata.get().stripeCustomerId() != null) {
                return Outcome.of(Outcome.SKIPPED, "duplicate: local customer " + remote.localId() + " is linked to "
                        + byMetadata.get().stripeCustomerId() + ", not to " + remote.id());
            }
            found = byMetadata.map(c -> link(c, remote.id()));
        }
        if (found.isEmpty() && !remote.deleted() && remote.email() != null) {
            // never one that Twoway is creating in Stripe itself: that is two customers with one email, a collision
            found = customers.lockActiveUnlinkedByEmail(remote.email()).filter(c -> ledger.state(c.id()).isEmpty()).map(c -> link(c, remote.id()));
        }
        if (found.isEmpty()) {
            return remote.deleted() ? Outcome.of(Outcome.NOOP, "customer " + remote.id() + " is not known locally") : inward.importCustomer(SYSTEM, remote, remote.id());
        }
        Customer local = found.get();
        SyncState state = ledger.state(local.id()).orElse(null);
        if (state != null && state.remoteCreated() != null) {
            if (remote.created() < state.remoteCreated()) {
                return Outcome.of(Outcome.STALE, "older than the applied Stripe state of " + state.remoteEventId());
            }
            if (remote.created() == state.remoteCreated() && !remote.sameAs(state) && !remote.follows(state)) {
                // same second, and not the change that follows the agreed state: only Stripe knows which is newer
                RemoteCustomer current = remote.withCurrent(stripe.retrieve(remote.id()));
                return inward.applyTo(SYSTEM, local, state, current, Instant.ofEpochSecond(current.created()), " (ordered by reading " + remote.id() + " from Stripe)");
            }
            if (remote.sameAs(state)) {
                ledger.advanceRemote(SYSTEM, local.id(), remote);
                return Outcome.of(Outcome.NOOP, "Stripe state already agreed");
            }
        }
        return inward.applyTo(SYSTEM, local, state, remote, Instant.ofEpochSecond(remote.created()), "");
    }

    /**
     * The echo records what Stripe holds; the version it confirms stays the outward consumer's to record, after its
     * own call (or that call's idempotent replay), which also links a new customer's Stripe id.
     */
    private Outcome confirmEcho(RemoteCustomer remote, SyncLedger.OwnWrite echo) {
        Optional<Customer> found = customers.lockByStripeId(remote.id());
        if (found.isEmpty() && remote.localId() != null) {
            // unlinked yet, or linked to this customer by the outward side's commit that this read raced
            found = customers.lock(remote.localId()).filter(c -> c.stripeCustomerId() == null || c.stripeCustomerId().equals(remote.id()));
        }
        if (found.isEmpty()) {
            return Outcome.of(Outcome.ECHO, "Twoway's own write; customer not known locally");
        }
        Customer local = found.get();
        SyncState state = ledger.state(local.id()).orElse(null);
        String what = "Twoway's own write" + (echo.version() == null ? "" : " of version " + echo.version());
        boolean newer = state == null || state.remoteCreated() == null || remote.created() > state.remoteCreated()
                || (remote.created() == state.remoteCreated() && echo.version() != null && state.appliedVersion() < echo.version());
        if (!newer) {
            return Outcome.of(Outcome.ECHO, what + "; a newer Stripe state is already agreed");
        }
        // Stripe's object also carries fields this write did not set: one changed in Stripe meanwhile is a remote change
        Map<String, String> unsent = new LinkedHashMap<>();
        for (String field : CustomerEvents.SYNCED_FIELDS) {
            String theirs = remote.field(field);
            if (!echo.fields().contains(field) && state != null && theirs != null && !theirs.equals(local.field(field))
                    && !theirs.equals(state.field(field))) {
                unsent.put(field, theirs);
            }
        }
        if (!unsent.isEmpty() && local.active() && !remote.deleted()) {
            return inward.merge(SYSTEM, local, state, remote, Instant.ofEpochSecond(remote.created()), echo.fields(), " (carried by the echo of " + what + ")");
        }
        ledger.recordRemote(SYSTEM, local.id(), remote, null);
        return Outcome.of(Outcome.ECHO, what + "; agreed state confirmed");
    }

    private Customer link(Customer customer, String stripeId) {
        customers.linkStripeCustomer(customer.id(), stripeId);
        return new Customer(customer.id(), customer.name(), customer.email(), stripeId, customer.active(), customer.version(),
                customer.origin(), customer.createdAt(), customer.updatedAt());
    }


}
