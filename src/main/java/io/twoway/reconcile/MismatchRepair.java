package io.twoway.reconcile;

import static io.twoway.reconcile.MismatchRules.*;

import io.twoway.conflict.Conflict;
import io.twoway.conflict.ConflictPolicy;
import io.twoway.conflict.ConflictStore;
import io.twoway.customer.Customer;
import io.twoway.customer.CustomerEvents;
import io.twoway.customer.CustomerRepository;
import io.twoway.customer.CustomerService;
import io.twoway.stripe.StripeGateway;
import io.twoway.stripe.SyncLedger;
import io.twoway.stripe.SyncState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Reconciliation: makes one repair, automatic or chosen by an admin, and records it on the mismatch with an audit row.
 * A repair towards Stripe goes through the outbox (a new version of the customer, sent by the sync route); a repair
 * towards local is a local write with no outbox event, recorded as agreed with Stripe. Each runs in one transaction
 * that re-reads the customer and refuses ({@link NotApplicable}) when the state moved on since the run compared it.
 */
@Service
public class MismatchRepair {

    /** The repair cannot be made as things stand now; nothing was changed. */
    public static class NotApplicable extends RuntimeException {
        public NotApplicable(String message) {
            super(message);
        }
    }

    private final ReconciliationStore store;
    private final CustomerRepository customers;
    private final CustomerService catalog;
    private final SyncLedger ledger;
    private final ConflictStore conflicts;
    private final ConflictPolicy policy;
    private final StripeGateway stripe;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;

    public MismatchRepair(ReconciliationStore store, CustomerRepository customers, CustomerService catalog, SyncLedger ledger,
                          ConflictStore conflicts, ConflictPolicy policy, StripeGateway stripe, JdbcTemplate jdbc, TransactionTemplate tx) {
        this.store = store;
        this.customers = customers;
        this.catalog = catalog;
        this.ledger = ledger;
        this.conflicts = conflicts;
        this.policy = policy;
        this.stripe = stripe;
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /**
     * Applies {@code action} towards {@code direction} for the open mismatch {@code id}, given what Stripe holds now
     * ({@code remote}; null where the action needs nothing from Stripe). Returns the mismatch as settled.
     */
    public Mismatch apply(long id, String action, String direction, MismatchRules.Remote remote, String actor) {
        if (DELETE_DUPLICATE.equals(action)) {
            Mismatch m = open(store.mismatch(id).orElseThrow(), id);
            // no local row carries this Stripe customer, so no outbox event can: a direct delete, idempotent by its key
            stripe.delete(m.stripeCustomerId(), "reconcile-mismatch-" + id);
        }
        return tx.execute(status -> {
            Mismatch m = open(store.lockMismatch(id).orElseThrow(), id);
            String correlationId = "reconcile-" + m.reportId() + "-m" + id;
            Map<String, Object> detail = new LinkedHashMap<>();
            Long conflictId = null;
            String settled = Mismatch.RESOLVED;
            switch (action) {
                case UPDATE_REMOTE -> {
                    Customer c = unchanged(m);
                    catalog.push(c.id(), List.of(m.field()), CustomerEvents.ORIGIN_RECONCILE, correlationId);
                    detail.put("pushed", Map.of(m.field(), c.field(m.field())));
                }
                case UPDATE_LOCAL -> detail.put("took", updateLocal(unchanged(m), m, need(remote)));
                case CREATE_REMOTE -> {
                    Customer c = active(m);
                    if (c.stripeCustomerId() != null) {
                        throw new NotApplicable("customer " + c.id() + " is linked to " + c.stripeCustomerId() + " since the run");
                    }
                    catalog.push(c.id(), CustomerEvents.SYNCED_FIELDS, CustomerEvents.ORIGIN_RECONCILE, correlationId);
                }
                case RECREATE_REMOTE -> {
                    Customer c = linkedAsFound(active(m), m);
                    customers.unlinkStripeCustomer(c.id());
                    ledger.forget(c.id());
                    catalog.push(c.id(), CustomerEvents.SYNCED_FIELDS, CustomerEvents.ORIGIN_RECONCILE, correlationId);
                    detail.put("replaces", m.stripeCustomerId());
                }
                case DELETE_REMOTE -> detail.put("customer_id", deleteRemote(m, need(remote), correlationId));
                case DEACTIVATE_LOCAL -> {
                    Customer c = active(m);
                    Customer after = customers.deactivate(c.id(), CustomerEvents.ORIGIN_STRIPE);
                    if (Mismatch.BROKEN_LINK.equals(m.kind())) {
                        customers.unlinkStripeCustomer(c.id());
                        ledger.forget(c.id());
                    } else if (c.stripeCustomerId() != null) {
                        ledger.recordAgreed(c.id(), c.stripeCustomerId(), c.name(), c.email(), true, after.version());
                    }
                }
                case REACTIVATE_LOCAL -> {
                    Customer c = customers.lock(m.customerId()).filter(x -> !x.active())
                            .orElseThrow(() -> new NotApplicable("customer " + m.customerId() + " is not deleted locally any more"));
                    emailFree(c.email(), c.id());
                    Customer after = customers.reactivate(c.id(), CustomerEvents.ORIGIN_STRIPE);
                    detail.put("took", updateLocal(after, m, need(remote)));
                }
                case IMPORT_LOCAL -> detail.put("customer_id", importLocal(m, need(remote)));
                case LINK -> link(m, need(remote));
                case RESOLVE_CONFLICT -> {
                    conflictId = settleConflict(m, need(remote), correlationId, detail);
                    settled = detail.containsKey("resolution") ? Mismatch.RESOLVED : Mismatch.CONFLICT;
                }
                case IGNORE -> detail.put("ignored", true);
                case DELETE_DUPLICATE -> detail.put("deleted_in_stripe", m.stripeCustomerId());
                default -> throw new NotApplicable("no repair named " + action);
            }
            store.settle(id, settled, action, direction, m.note(), conflictId, actor, detail);
            return store.mismatch(id).orElseThrow();
        });
    }

    private static Mismatch open(Mismatch m, long id) {
        if (!Mismatch.OPEN.equals(m.status())) {
            throw new AlreadySettled(m);
        }
        return m;
    }

    /** The mismatch is no longer open. */
    public static class AlreadySettled extends RuntimeException {
        private final Mismatch mismatch;

        AlreadySettled(Mismatch mismatch) {
            super("Mismatch " + mismatch.id() + " is already " + mismatch.status()
                    + (mismatch.conflictId() == null ? "" : " (conflict " + mismatch.conflictId() + ")"));
            this.mismatch = mismatch;
        }

        public Mismatch mismatch() {
            return mismatch;
        }
    }

    private static MismatchRules.Remote need(MismatchRules.Remote remote) {
        if (remote == null) {
            throw new NotApplicable("Stripe's current state of the customer is unknown");
        }
        return remote;
    }

    private Customer active(Mismatch m) {
        if (m.customerId() == null) {
            throw new NotApplicable("the mismatch names no local customer");
        }
        return customers.lockActive(m.customerId())
                .orElseThrow(() -> new NotApplicable("customer " + m.customerId() + " is deleted locally since the run"));
    }

    /** The locked active customer, if the field still holds the value the run compared (else the repair is stale). */
    private Customer unchanged(Mismatch m) {
        Customer c = linkedAsFound(active(m), m);
        if (m.field() != null && CustomerEvents.SYNCED_FIELDS.contains(m.field()) && !Objects.equals(c.field(m.field()), m.localValue())) {
            throw new NotApplicable("customer " + c.id() + " changed its " + m.field() + " since the run; the next run compares it again");
        }
        return c;
    }

    private static Customer linkedAsFound(Customer c, Mismatch m) {
        if (!Objects.equals(c.stripeCustomerId(), m.stripeCustomerId())) {
            throw new NotApplicable("customer " + c.id() + " is linked to " + c.stripeCustomerId() + " now, not " + m.stripeCustomerId());
        }
        return c;
    }

    private void emailFree(String email, long exceptId) {
        customers.activeEmailHolder(email, exceptId).ifPresent(holder -> {
            throw new NotApplicable("email " + email + " is used by local customer " + holder);
        });
    }

    /** Takes Stripe's name and email (the ones it has) with no outbox event, and records them as agreed. */
    private Map<String, String> updateLocal(Customer c, Mismatch m, MismatchRules.Remote remote) {
        if (remote.deleted()) {
            throw new NotApplicable("Stripe customer " + m.stripeCustomerId() + " is deleted");
        }
        Map<String, String> take = new LinkedHashMap<>();
        for (String field : CustomerEvents.SYNCED_FIELDS) {
            String theirs = remote.field(field);
            boolean wanted = m.field() == null || field.equals(m.field()) || Mismatch.ACTIVE.equals(m.field());
            if (wanted && theirs != null && !theirs.isBlank() && !theirs.equals(c.field(field))) {
                take.put(field, theirs);
            }
        }
        String email = take.get(CustomerEvents.EMAIL);
        if (email != null && !email.equalsIgnoreCase(c.email())) {
            emailFree(email, c.id());
        }
        Customer after = take.isEmpty() ? c : write(() -> customers.update(c.id(), take.getOrDefault(CustomerEvents.NAME, c.name()),
                take.getOrDefault(CustomerEvents.EMAIL, c.email()), CustomerEvents.ORIGIN_STRIPE));
        boolean agrees = Objects.equals(after.name(), remote.name()) && Objects.equals(after.email(), remote.email());
        ledger.recordAgreed(c.id(), c.stripeCustomerId(), remote.name(), remote.email(), false, agrees ? after.version() : 0);
        return take;
    }

    private long importLocal(Mismatch m, MismatchRules.Remote remote) {
        if (remote.deleted() || remote.email() == null || remote.email().isBlank()) {
            throw new NotApplicable("Stripe customer " + m.stripeCustomerId() + (remote.deleted() ? " is deleted" : " has no email, which the local catalog requires"));
        }
        if (customers.lockByStripeId(m.stripeCustomerId()).isPresent()) {
            throw new NotApplicable("Stripe customer " + m.stripeCustomerId() + " is linked to a local customer since the run");
        }
        emailFree(remote.email(), -1);
        String name = remote.name() == null || remote.name().isBlank() ? remote.email() : remote.name();
        Customer created = write(() -> customers.insertLinked(name, remote.email(), m.stripeCustomerId(), CustomerEvents.ORIGIN_STRIPE));
        ledger.recordAgreed(created.id(), m.stripeCustomerId(), remote.name(), remote.email(), false,
                Objects.equals(name, remote.name()) ? created.version() : 0);
        return created.id();
    }

    /** Deletes the Stripe customer through the outbox: the local deleted customer's delete event, sent again. */
    private long deleteRemote(Mismatch m, MismatchRules.Remote remote, String correlationId) {
        Customer c;
        if (m.customerId() != null) {
            c = customers.lock(m.customerId()).filter(x -> !x.active())
                    .orElseThrow(() -> new NotApplicable("customer " + m.customerId() + " is active again since the run"));
            linkedAsFound(c, m);
        } else {
            if (customers.lockByStripeId(m.stripeCustomerId()).isPresent()) {
                throw new NotApplicable("Stripe customer " + m.stripeCustomerId() + " is linked to a local customer since the run");
            }
            // a deleted local row stands for it, so that the delete travels the outbox like every other change
            String email = remote.email() == null ? "" : remote.email();
            c = customers.insertTombstone(remote.name() == null || remote.name().isBlank() ? m.stripeCustomerId() : remote.name(), email,
                    m.stripeCustomerId(), CustomerEvents.ORIGIN_RECONCILE);
        }
        catalog.republish(c.id(), CustomerEvents.DELETED, List.of(), CustomerEvents.ORIGIN_RECONCILE, correlationId);
        return c.id();
    }

    /** Links the local customer to this Stripe customer; a link the run found dead ({@code localValue}) is replaced. */
    private void link(Mismatch m, MismatchRules.Remote remote) {
        Customer c = customers.lock(m.customerId())
                .orElseThrow(() -> new NotApplicable("customer " + m.customerId() + " does not exist"));
        if (c.stripeCustomerId() != null && !c.stripeCustomerId().equals(m.localValue())) {
            throw new NotApplicable("customer " + c.id() + " is linked to " + c.stripeCustomerId() + " since the run");
        }
        if (c.stripeCustomerId() != null) {
            ledger.forget(c.id());
        }
        if (customers.lockByStripeId(m.stripeCustomerId()).isPresent()) {
            throw new NotApplicable("Stripe customer " + m.stripeCustomerId() + " is linked to another local customer since the run");
        }
        customers.linkStripeCustomer(c.id(), m.stripeCustomerId());
        ledger.recordAgreed(c.id(), m.stripeCustomerId(), remote.name(), remote.email(), remote.deleted(), 0);
    }

    /**
     * Both sides changed the field since they last agreed: a concurrent edit, settled as the inward sync settles one.
     * {@code merge} takes the later change; Stripe's customer has no change time, so its newest event in the inbox
     * stands for it, and without one the local catalog (the hub) wins.
     */
    private Long settleConflict(Mismatch m, MismatchRules.Remote remote, String correlationId, Map<String, Object> detail) {
        Customer c = unchanged(m);
        SyncState state = ledger.state(c.id()).orElse(null);
        String theirs = remote.field(m.field());
        Map<String, Map<String, Object>> fields = Map.of(m.field(), Conflict.sides(c.field(m.field()), theirs, state == null ? null : state.field(m.field())));
        ConflictPolicy.Action action = policy.decide(ConflictPolicy.CONCURRENT_EDIT);
        boolean remoteWins = false;
        if (action == ConflictPolicy.Action.NEWEST) {
            Long remoteTime = jdbc.queryForObject("select max(created) from webhook_events where object_id = ?", Long.class, m.stripeCustomerId());
            remoteWins = remoteTime != null && remoteTime > c.updatedAt().toEpochSecond();
        }
        String resolution = switch (action) {
            case KEEP_LOCAL -> "reject";
            case NEWEST -> "merge";
            default -> null;
        };
        Map<String, Object> resolved = resolution == null ? null : new LinkedHashMap<>(Map.of(m.field(), remoteWins ? theirs : c.field(m.field())));
        long conflictId = conflicts.record(new ConflictStore.Detected(ConflictPolicy.CONCURRENT_EDIT, c.id(), SyncLedger.SYSTEM,
                m.stripeCustomerId(), "reconcile-" + m.reportId(), fields, null, policy.strategy(), resolution, resolved));
        if (resolution != null) {
            detail.put("resolution", resolution);
            if (remoteWins) {
                detail.put("took", updateLocal(c, m, remote));
            } else {
                catalog.push(c.id(), List.of(m.field()), CustomerEvents.ORIGIN_RECONCILE, correlationId);
                detail.put("pushed", Map.of(m.field(), c.field(m.field())));
            }
        }
        return conflictId;
    }

    private static Customer write(Supplier<Customer> write) {
        try {
            return write.get();
        } catch (DuplicateKeyException e) {
            throw new NotApplicable("the write would break a unique rule (email or Stripe id): " + e.getMostSpecificCause().getMessage());
        }
    }
}
