package io.twoway.stripe;

import io.twoway.conflict.Conflict;
import io.twoway.conflict.ConflictPolicy;
import io.twoway.conflict.ConflictStore;
import io.twoway.customer.Customer;
import io.twoway.customer.CustomerEvents;
import io.twoway.customer.CustomerRepository;
import io.twoway.customer.CustomerService;
import io.twoway.inbox.InboxEvent;
import io.twoway.inbox.Outcome;
import io.twoway.inbox.WebhookApplier;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
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

    private final CustomerRepository customers;
    private final CustomerService catalog;
    private final SyncLedger ledger;
    private final ConflictStore conflicts;
    private final ConflictPolicy policy;
    private final StripeGateway stripe;

    public StripeInwardSync(CustomerRepository customers, CustomerService catalog, SyncLedger ledger, ConflictStore conflicts,
                            ConflictPolicy policy, StripeGateway stripe) {
        this.customers = customers;
        this.catalog = catalog;
        this.ledger = ledger;
        this.conflicts = conflicts;
        this.policy = policy;
        this.stripe = stripe;
    }

    @Override
    public String source() {
        return SyncLedger.SYSTEM;
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
            return remote.deleted() ? Outcome.of(Outcome.NOOP, "customer " + remote.id() + " is not known locally") : importCustomer(remote);
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
                return applyTo(local, state, current, " (ordered by reading " + remote.id() + " from Stripe)");
            }
            if (remote.sameAs(state)) {
                ledger.advanceRemote(local.id(), remote);
                return Outcome.of(Outcome.NOOP, "Stripe state already agreed");
            }
        }
        return applyTo(local, state, remote, "");
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
            return merge(local, state, remote, echo.fields(), " (carried by the echo of " + what + ")");
        }
        ledger.recordRemote(local.id(), remote, null);
        return Outcome.of(Outcome.ECHO, what + "; agreed state confirmed");
    }

    private Outcome applyTo(Customer local, SyncState state, RemoteCustomer remote, String note) {
        if (remote.deleted()) {
            if (!local.active()) {
                ledger.recordRemote(local.id(), remote, null);
                return Outcome.of(Outcome.NOOP, "already deleted locally" + note);
            }
            boolean pending = state == null || local.version() > state.appliedVersion();
            Customer deleted = catalog.deactivate(local.id(), CustomerEvents.ORIGIN_STRIPE, remote.eventId());
            ledger.recordRemote(local.id(), remote, pending ? null : deleted.version());
            return Outcome.of(Outcome.APPLIED, "customer " + local.id() + " deleted locally" + note);
        }
        if (!local.active()) {
            ledger.recordRemote(local.id(), remote, null);
            return Outcome.of(Outcome.NOOP, "customer " + local.id() + " is deleted locally; the delete goes to Stripe" + note);
        }
        return merge(local, state, remote, Set.of(), note);
    }

    /**
     * Three-way, field by field: a field only Stripe changed takes Stripe's value; one only local changed (a change not
     * yet confirmed by Stripe) keeps it, and the outbox carries it out; one both changed is a concurrent edit. The
     * {@code alreadyAgreed} fields (those an echo's own write set) are left out.
     */
    private Outcome merge(Customer local, SyncState state, RemoteCustomer remote, Set<String> alreadyAgreed, String note) {
        boolean pending = state == null || local.version() > state.appliedVersion();
        Map<String, String> take = new LinkedHashMap<>();
        Set<String> push = new LinkedHashSet<>();
        List<String> notes = new ArrayList<>();
        Map<String, Map<String, Object>> concurrent = new LinkedHashMap<>();
        for (String field : CustomerEvents.SYNCED_FIELDS) {
            String theirs = remote.field(field);
            String ours = local.field(field);
            if (theirs == null || theirs.equals(ours) || alreadyAgreed.contains(field)) {
                continue;
            }
            String base = state == null ? null : state.field(field);
            boolean localChanged = pending && !Objects.equals(ours, base);
            boolean onTopOfOurs = remote.replaced(field) && Objects.equals(remote.before(field), ours);
            boolean remoteChanged = remote.previousKnown() ? remote.replaced(field) : !Objects.equals(theirs, base);
            if (!localChanged || onTopOfOurs) {
                take.put(field, theirs);
            } else if (remoteChanged) {
                concurrent.put(field, Conflict.sides(ours, theirs, base));
            }
        }
        if (!concurrent.isEmpty()) {
            settleConcurrentEdit(local, remote, concurrent, take, push, notes);
        }
        String email = take.get(CustomerEvents.EMAIL);
        if (email != null && !email.equalsIgnoreCase(local.email())) {
            Optional<Long> holder = customers.activeEmailHolder(email, local.id());
            if (holder.isPresent()) {
                take.remove(CustomerEvents.EMAIL);
                String base = state == null ? null : state.email();
                Collision collision = settleEmailCollision(local.id(), remote, Map.of(CustomerEvents.EMAIL, Conflict.sides(local.email(), email, base)),
                        holder.get(), notes);
                if (collision.renamed() != null) {
                    take.put(CustomerEvents.EMAIL, collision.renamed());
                }
                if (collision.action() != ConflictPolicy.Action.HOLD) {
                    push.add(CustomerEvents.EMAIL);
                }
            }
        }
        Customer after = catalog.writeFields(local, take, CustomerEvents.ORIGIN_STRIPE, remote.eventId());
        Long agreedVersion = pending ? null : after.version();
        if (!push.isEmpty()) {
            catalog.push(local.id(), push, CustomerEvents.ORIGIN_CONFLICT, remote.eventId());
        }
        ledger.recordRemote(local.id(), remote, agreedVersion);
        String detail = (take.isEmpty() ? "no local change" : "customer " + local.id() + " took " + take.keySet() + " from Stripe")
                + (push.isEmpty() ? "" : "; pushing local " + push + " to Stripe") + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)) + note;
        return Outcome.of(!notes.isEmpty() ? Outcome.CONFLICT : take.isEmpty() && push.isEmpty() ? Outcome.NOOP : Outcome.APPLIED, detail);
    }

    private void settleConcurrentEdit(Customer local, RemoteCustomer remote, Map<String, Map<String, Object>> fields,
                                      Map<String, String> take, Set<String> push, List<String> notes) {
        ConflictPolicy.Action action = policy.decide(ConflictPolicy.CONCURRENT_EDIT);
        Map<String, Object> resolved = new LinkedHashMap<>();
        for (String field : fields.keySet()) {
            String theirs = remote.field(field);
            switch (action) {
                case KEEP_LOCAL -> {
                    push.add(field);
                    resolved.put(field, local.field(field));
                }
                case NEWEST -> {
                    // Stripe's time is whole seconds; a tie goes to the local catalog, the hub
                    boolean remoteNewer = remote.created() > local.updatedAt().toEpochSecond();
                    if (remoteNewer) {
                        take.put(field, theirs);
                    } else {
                        push.add(field);
                    }
                    resolved.put(field, remoteNewer ? theirs : local.field(field));
                }
                default -> { }
            }
        }
        long id = conflicts.record(new ConflictStore.Detected(ConflictPolicy.CONCURRENT_EDIT, local.id(), SyncLedger.SYSTEM, remote.id(),
                remote.eventId(), fields, null, policy.strategy(), resolution(action), action == ConflictPolicy.Action.HOLD ? null : resolved));
        notes.add("concurrent edit of " + fields.keySet() + " (conflict " + id + ", " + (action == ConflictPolicy.Action.HOLD ? "open" : resolution(action)) + ")");
    }

    /** What the strategy did with an email collision; {@code renamed} is the incoming customer's variant, if any. */
    private record Collision(ConflictPolicy.Action action, String renamed) {}

    private Collision settleEmailCollision(Long customerId, RemoteCustomer remote, Map<String, Map<String, Object>> fields,
                                                  long holder, List<String> notes) {
        ConflictPolicy.Action action = policy.decide(ConflictPolicy.EMAIL_COLLISION);
        String renamed = action == ConflictPolicy.Action.RENAME ? uniqueVariant(remote.email()) : null;
        if (action == ConflictPolicy.Action.RENAME && renamed == null) {
            action = ConflictPolicy.Action.HOLD;
        }
        Map<String, Object> remoteObject = new LinkedHashMap<>();
        remoteObject.put("id", remote.id());
        remoteObject.put("name", remote.name());
        remoteObject.put("email", remote.email());
        remoteObject.put("email_holder_customer_id", holder);
        Map<String, Object> resolved = null;
        if (action == ConflictPolicy.Action.RENAME) {
            resolved = Map.of(CustomerEvents.EMAIL, renamed, "original_email", remote.email());
        } else if (action == ConflictPolicy.Action.KEEP_LOCAL) {
            resolved = new LinkedHashMap<>();
            resolved.put(CustomerEvents.EMAIL, customerId == null ? null : fields.get(CustomerEvents.EMAIL).get("local"));
        }
        long id = conflicts.record(new ConflictStore.Detected(ConflictPolicy.EMAIL_COLLISION, customerId, SyncLedger.SYSTEM, remote.id(),
                remote.eventId(), fields, remoteObject, policy.strategy(), resolution(action), resolved));
        notes.add("email " + remote.email() + " is used by customer " + holder + " (conflict " + id + ", "
                + (action == ConflictPolicy.Action.HOLD ? "open" : resolution(action)) + ")");
        return new Collision(action, renamed);
    }

    private Outcome importCustomer(RemoteCustomer remote) {
        if (remote.email() == null || remote.email().isBlank()) {
            return Outcome.of(Outcome.SKIPPED, "Stripe customer " + remote.id() + " has no email, which the local catalog requires");
        }
        String name = remote.name() == null || remote.name().isBlank() ? remote.email() : remote.name();
        String email = remote.email();
        List<String> notes = new ArrayList<>();
        Optional<Long> holder = customers.activeEmailHolder(email, -1);
        if (holder.isPresent()) {
            Collision collision = settleEmailCollision(null, remote, Map.of(CustomerEvents.EMAIL, Conflict.sides(null, email, null)),
                    holder.get(), notes);
            if (collision.renamed() == null) {
                return Outcome.of(Outcome.CONFLICT, "not imported: " + notes.get(0));
            }
            email = collision.renamed();
        }
        Customer created = catalog.importLinked(name, email, remote.id(), CustomerEvents.ORIGIN_STRIPE, remote.eventId());
        ledger.recordRemote(created.id(), remote, created.version());
        if (!email.equals(remote.email())) {
            catalog.push(created.id(), List.of(CustomerEvents.EMAIL), CustomerEvents.ORIGIN_CONFLICT, remote.eventId());
        }
        return Outcome.of(notes.isEmpty() ? Outcome.APPLIED : Outcome.CONFLICT,
                "customer " + created.id() + " created from Stripe" + (notes.isEmpty() ? "" : "; " + notes.get(0)));
    }

    private Customer link(Customer customer, String stripeId) {
        customers.linkStripeCustomer(customer.id(), stripeId);
        return new Customer(customer.id(), customer.name(), customer.email(), stripeId, customer.active(), customer.version(),
                customer.origin(), customer.createdAt(), customer.updatedAt());
    }

    /** The first free plus-address variant of the email ({@code ada+1@example.com}, …), or null when none fits. */
    private String uniqueVariant(String email) {
        int at = email.lastIndexOf('@');
        if (at <= 0) {
            return null;
        }
        for (int n = 1; n <= 1000; n++) {
            String candidate = email.substring(0, at) + "+" + n + email.substring(at);
            if (candidate.length() <= 254 && customers.activeEmailHolder(candidate, -1).isEmpty()) {
                return candidate;
            }
        }
        return null;
    }

    private static String resolution(ConflictPolicy.Action action) {
        return switch (action) {
            case HOLD -> null;
            case KEEP_LOCAL -> "reject";
            case NEWEST -> "merge";
            case RENAME -> "auto_rename";
        };
    }
}
