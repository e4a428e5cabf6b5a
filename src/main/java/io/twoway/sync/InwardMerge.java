package io.twoway.sync;

import io.twoway.conflict.Conflict;
import io.twoway.conflict.ConflictPolicy;
import io.twoway.conflict.ConflictStore;
import io.twoway.customer.Customer;
import io.twoway.customer.CustomerEvents;
import io.twoway.customer.CustomerRepository;
import io.twoway.customer.CustomerService;
import io.twoway.inbox.Outcome;
import io.twoway.stripe.RemoteCustomer;
import io.twoway.stripe.SyncLedger;
import io.twoway.stripe.SyncState;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Inward sync, the part every integration shares: a remote customer's state applied to a local customer inside the
 * inbox's transaction. A delete deactivates; otherwise a three-way merge against the agreed state ({@code sync_state}
 * of that {@code system}), where a concurrent edit and an email collision become conflicts settled by the configured
 * strategy. Every local write records the integration as its origin, so that its outward side never sends it back,
 * while every other integration does.
 */
@Component
public class InwardMerge {

    private final CustomerRepository customers;
    private final CustomerService catalog;
    private final SyncLedger ledger;
    private final ConflictStore conflicts;
    private final ConflictPolicy policy;

    public InwardMerge(CustomerRepository customers, CustomerService catalog, SyncLedger ledger, ConflictStore conflicts, ConflictPolicy policy) {
        this.customers = customers;
        this.catalog = catalog;
        this.ledger = ledger;
        this.conflicts = conflicts;
        this.policy = policy;
    }

    /** {@code remoteTime}: when the remote change was made, for the merge strategy's newest-wins. */
    public Outcome applyTo(String system, Customer local, SyncState state, RemoteCustomer remote, Instant remoteTime, String note) {
        if (remote.deleted()) {
            if (!local.active()) {
                ledger.recordRemote(system, local.id(), remote, null);
                return Outcome.of(Outcome.NOOP, "already deleted locally" + note);
            }
            boolean pending = state == null || local.version() > state.appliedVersion();
            Customer deleted = catalog.deactivate(local.id(), system, remote.eventId());
            ledger.recordRemote(system, local.id(), remote, pending ? null : deleted.version());
            return Outcome.of(Outcome.APPLIED, "customer " + local.id() + " deleted locally" + note);
        }
        if (!local.active()) {
            ledger.recordRemote(system, local.id(), remote, null);
            return Outcome.of(Outcome.NOOP, "customer " + local.id() + " is deleted locally; the delete goes to Stripe" + note);
        }
        return merge(system, local, state, remote, remoteTime, Set.of(), note);
    }

    /**
     * Three-way, field by field: a field only Stripe changed takes Stripe's value; one only local changed (a change not
     * yet confirmed by Stripe) keeps it, and the outbox carries it out; one both changed is a concurrent edit. The
     * {@code alreadyAgreed} fields (those an echo's own write set) are left out.
     */
    public Outcome merge(String system, Customer local, SyncState state, RemoteCustomer remote, Instant remoteTime, Set<String> alreadyAgreed, String note) {
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
            settleConcurrentEdit(system, remoteTime, local, remote, concurrent, take, push, notes);
        }
        String email = take.get(CustomerEvents.EMAIL);
        if (email != null && !email.equalsIgnoreCase(local.email())) {
            Optional<Long> holder = customers.activeEmailHolder(email, local.id());
            if (holder.isPresent()) {
                take.remove(CustomerEvents.EMAIL);
                String base = state == null ? null : state.email();
                Collision collision = settleEmailCollision(system, local.id(), remote, Map.of(CustomerEvents.EMAIL, Conflict.sides(local.email(), email, base)),
                        holder.get(), notes);
                if (collision.renamed() != null) {
                    take.put(CustomerEvents.EMAIL, collision.renamed());
                }
                if (collision.action() != ConflictPolicy.Action.HOLD) {
                    push.add(CustomerEvents.EMAIL);
                }
            }
        }
        Customer after = catalog.writeFields(local, take, system, remote.eventId());
        Long agreedVersion = pending ? null : after.version();
        if (!push.isEmpty()) {
            catalog.push(local.id(), push, CustomerEvents.ORIGIN_CONFLICT, remote.eventId());
        }
        ledger.recordRemote(system, local.id(), remote, agreedVersion);
        String detail = (take.isEmpty() ? "no local change" : "customer " + local.id() + " took " + take.keySet() + " from " + name(system))
                + (push.isEmpty() ? "" : "; pushing local " + push + " to " + name(system)) + (notes.isEmpty() ? "" : "; " + String.join("; ", notes)) + note;
        return Outcome.of(!notes.isEmpty() ? Outcome.CONFLICT : take.isEmpty() && push.isEmpty() ? Outcome.NOOP : Outcome.APPLIED, detail);
    }

    private void settleConcurrentEdit(String system, Instant remoteTime, Customer local, RemoteCustomer remote, Map<String, Map<String, Object>> fields,
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
                    // a tie goes to the local catalog, the hub (Stripe's time is whole seconds)
                    boolean remoteNewer = remoteTime.isAfter(local.updatedAt().toInstant());
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
        long id = conflicts.record(new ConflictStore.Detected(ConflictPolicy.CONCURRENT_EDIT, local.id(), system, remote.id(),
                remote.eventId(), fields, null, policy.strategy(), resolution(action), action == ConflictPolicy.Action.HOLD ? null : resolved));
        notes.add("concurrent edit of " + fields.keySet() + " (conflict " + id + ", " + (action == ConflictPolicy.Action.HOLD ? "open" : resolution(action)) + ")");
    }

    /** What the strategy did with an email collision; {@code renamed} is the incoming customer's variant, if any. */
    public record Collision(ConflictPolicy.Action action, String renamed) {}

    public Collision settleEmailCollision(String system, Long customerId, RemoteCustomer remote, Map<String, Map<String, Object>> fields,
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
        long id = conflicts.record(new ConflictStore.Detected(ConflictPolicy.EMAIL_COLLISION, customerId, system, remote.id(),
                remote.eventId(), fields, remoteObject, policy.strategy(), resolution(action), resolved));
        notes.add("email " + remote.email() + " is used by customer " + holder + " (conflict " + id + ", "
                + (action == ConflictPolicy.Action.HOLD ? "open" : resolution(action)) + ")");
        return new Collision(action, renamed);
    }

    /** The first free plus-address variant of the email ({@code ada+1@example.com}, …), or null when none fits. */
    public String uniqueVariant(String email) {
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

    /**
     * A remote customer no local one stands for: a new local customer of origin {@code system}, agreed with the remote
     * state (an email another active customer holds is a collision, settled by the strategy). {@code stripeCustomerId}
     * links it to Stripe at once (null for other integrations, which link through their agreed state).
     */
    public Outcome importCustomer(String system, RemoteCustomer remote, String stripeCustomerId) {
        if (remote.email() == null || remote.email().isBlank()) {
            return Outcome.of(Outcome.SKIPPED, name(system) + " record " + remote.id() + " has no email, which the local catalog requires");
        }
        String email = remote.email();
        List<String> notes = new ArrayList<>();
        Optional<Long> holder = customers.activeEmailHolder(email, -1);
        if (holder.isPresent()) {
            Collision collision = settleEmailCollision(system, null, remote, Map.of(CustomerEvents.EMAIL, Conflict.sides(null, email, null)),
                    holder.get(), notes);
            if (collision.renamed() == null) {
                return Outcome.of(Outcome.CONFLICT, "not imported: " + notes.get(0));
            }
            email = collision.renamed();
        }
        String localName = remote.name() == null || remote.name().isBlank() ? remote.email() : remote.name();
        Customer created = catalog.importLinked(localName, email, stripeCustomerId, system, remote.eventId());
        ledger.recordRemote(system, created.id(), remote, created.version());
        if (!email.equals(remote.email())) {
            catalog.push(created.id(), List.of(CustomerEvents.EMAIL), CustomerEvents.ORIGIN_CONFLICT, remote.eventId());
        }
        return Outcome.of(notes.isEmpty() ? Outcome.APPLIED : Outcome.CONFLICT,
                "customer " + created.id() + " created from " + name(system) + (notes.isEmpty() ? "" : "; " + notes.get(0)));
    }

    /** The integration's name as a person reads it in an outcome. */
    public static String name(String system) {
        return switch (system) {
            case "stripe" -> "Stripe";
            case "salesforce" -> "Salesforce";
            default -> system;
        };
    }
}
