package io.twoway.conflict;

import io.twoway.api.ApiException;
import io.twoway.customer.Customer;
import io.twoway.customer.CustomerEvents;
import io.twoway.customer.CustomerRepository;
import io.twoway.customer.CustomerService;
import io.twoway.stripe.RemoteCustomer;
import io.twoway.stripe.SyncLedger;
import io.twoway.stripe.SyncState;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Conflicts: an admin's resolution of an open conflict. The chosen values are written locally, and every chosen value
 * that Stripe does not hold (by the agreed state) is pushed through the outbox, so both sides end equal:
 * {@code accept_local} keeps local and pushes it, {@code accept_remote} takes Stripe's values (a write of origin
 * {@code stripe}, not sent back), {@code manual_merge} applies the given values to both sides.
 */
@Service
public class ConflictResolver {

    public static final List<String> RESOLUTIONS = List.of("accept_local", "accept_remote", "manual_merge");

    private final ConflictStore conflicts;
    private final CustomerRepository customers;
    private final CustomerService catalog;
    private final SyncLedger ledger;

    public ConflictResolver(ConflictStore conflicts, CustomerRepository customers, CustomerService catalog, SyncLedger ledger) {
        this.conflicts = conflicts;
        this.customers = customers;
        this.catalog = catalog;
        this.ledger = ledger;
    }

    /** Resolves one conflict; {@code merged} holds the values of a manual merge (validated by the caller). */
    @Transactional
    public Conflict resolve(long id, String resolution, Map<String, String> merged, String actor) {
        Conflict conflict = conflicts.lock(id).orElseThrow(() -> ApiException.notFound("Conflict " + id + " not found"));
        if (!Conflict.OPEN.equals(conflict.status())) {
            throw new ApiException(409, "Conflict " + id + " is already " + conflict.status()
                    + (conflict.resolution() == null ? "" : " (" + conflict.resolution() + ")"));
        }
        String correlationId = "conflict-" + id;
        Map<String, Object> applied = new LinkedHashMap<>();
        if (conflict.customerId() == null) {
            importRemote(conflict, resolution, merged, correlationId, applied);
        } else {
            Customer local = customers.lockActive(conflict.customerId()).orElseThrow(() -> new ApiException(409,
                    "Customer " + conflict.customerId() + " is deleted; the conflict can no longer be applied to it"));
            Map<String, String> values = new LinkedHashMap<>();
            for (String field : conflict.fields().keySet()) {
                values.put(field, switch (resolution) {
                    case "accept_local" -> local.field(field);
                    case "accept_remote" -> conflict.value(field, "remote");
                    default -> merged.getOrDefault(field, local.field(field));
                });
            }
            if ("manual_merge".equals(resolution)) {
                merged.forEach(values::putIfAbsent);
            }
            String email = values.get(CustomerEvents.EMAIL);
            if (email != null && !email.equalsIgnoreCase(local.email())) {
                catalog.ensureEmailFree(email, local.id());
            }
            String origin = "accept_remote".equals(resolution) ? CustomerEvents.ORIGIN_STRIPE : CustomerEvents.ORIGIN_CONFLICT;
            Customer after = catalog.writeFields(local, values, origin, correlationId);
            SyncState agreed = ledger.state(local.id()).orElse(null);
            List<String> push = values.keySet().stream()
                    .filter(f -> agreed == null || !Objects.equals(after.field(f), agreed.field(f))).toList();
            if (!push.isEmpty()) {
                catalog.push(local.id(), push, CustomerEvents.ORIGIN_CONFLICT, correlationId);
            }
            applied.putAll(values);
            applied.put("pushed_to_stripe", push);
        }
        conflicts.resolve(id, resolution, applied, actor);
        return conflicts.find(id).orElseThrow();
    }

    /** An email collision on an inward create: the remote customer (Stripe's, or a Salesforce Contact) has no local row yet. */
    private void importRemote(Conflict conflict, String resolution, Map<String, String> merged, String correlationId, Map<String, Object> applied) {
        if ("accept_local".equals(resolution)) {
            applied.put("imported", false);
            return;
        }
        Map<String, Object> remote = conflict.remoteObject();
        String remoteName = remote.get("name") == null ? null : remote.get("name").toString();
        String remoteEmail = remote.get("email").toString();
        String name = "manual_merge".equals(resolution) ? merged.getOrDefault(CustomerEvents.NAME, remoteName) : remoteName;
        String email = "manual_merge".equals(resolution) ? merged.getOrDefault(CustomerEvents.EMAIL, remoteEmail) : remoteEmail;
        name = name == null || name.isBlank() ? email : name;
        catalog.ensureEmailFree(email, -1);
        String stripeId = SyncLedger.SYSTEM.equals(conflict.system()) ? conflict.externalId() : null;
        Customer created = catalog.importLinked(name, email, stripeId, conflict.system(), correlationId);
        ledger.recordRemote(conflict.system(), created.id(), new RemoteCustomer(conflict.externalId(), remoteName, remoteEmail, false, null, Map.of(), false,
                conflict.sourceEventId(), RemoteCustomer.CREATED, 0, null), created.version());
        List<String> push = CustomerEvents.SYNCED_FIELDS.stream()
                .filter(f -> !Objects.equals(created.field(f), CustomerEvents.field(f, remoteName, remoteEmail))).toList();
        if (!push.isEmpty()) {
            catalog.push(created.id(), push, CustomerEvents.ORIGIN_CONFLICT, correlationId);
        }
        applied.put("imported", true);
        applied.put("customer_id", created.id());
        applied.put(CustomerEvents.NAME, name);
        applied.put(CustomerEvents.EMAIL, email);
        applied.put("pushed_to_stripe", push);
    }
}
