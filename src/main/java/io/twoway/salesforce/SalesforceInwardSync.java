package io.twoway.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.twoway.customer.Customer;
import io.twoway.customer.CustomerEvents;
import io.twoway.customer.CustomerRepository;
import io.twoway.inbox.InboxEvent;
import io.twoway.inbox.Outcome;
import io.twoway.inbox.WebhookApplier;
import io.twoway.stripe.RemoteCustomer;
import io.twoway.stripe.SyncLedger;
import io.twoway.stripe.SyncState;
import io.twoway.sync.InwardMerge;
import java.time.Instant;
import java.util.HashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Inward sync: applies one Salesforce Contact change (read by {@link SalesforcePoller} into the inbox) to the local
 * catalog, in the inbox's transaction and under its per-Contact lock. A change whose {@code LastModifiedById} is the
 * integration user is Twoway's own write coming back: it confirms the agreed state and does nothing else, unless it
 * carries a field Twoway did not write that differs from the agreed state (a person's edit made before that write, in
 * the same poll window), which is applied like any remote change. Otherwise
 * the order guard drops a change older than the agreed remote state ({@code SystemModstamp}, in milliseconds), the
 * local customer is found (by the Contact's Id in {@code sync_state}, or by the local id in
 * {@code Twoway_Customer_Id__c}) or created, and the shared {@link InwardMerge} applies it with the same conflict
 * strategies as for Stripe. {@code Twoway_Active__c = false} counts as a delete.
 */
public class SalesforceInwardSync implements WebhookApplier {

    public static final String CHANGED = "contact.changed";
    public static final String DELETED = "contact.deleted";
    private static final String SYSTEM = SalesforceOutbound.SYSTEM;

    private final CustomerRepository customers;
    private final SyncLedger ledger;
    private final InwardMerge inward;
    private final SalesforceClient client;

    public SalesforceInwardSync(CustomerRepository customers, SyncLedger ledger, InwardMerge inward, SalesforceClient client) {
        this.customers = customers;
        this.ledger = ledger;
        this.inward = inward;
        this.client = client;
    }

    @Override
    public String source() {
        return SYSTEM;
    }

    @Override
    public boolean handles(String type) {
        return CHANGED.equals(type) || DELETED.equals(type);
    }

    @Override
    public Outcome apply(InboxEvent event) {
        JsonNode object = event.payload().path("data").path("object");
        RemoteCustomer remote = remote(event, object);
        Optional<Customer> found = ledger.customerOf(SYSTEM, remote.id()).flatMap(customers::lock);
        if (found.isEmpty() && remote.localId() != null && !remote.deleted()) {
            found = customers.lock(remote.localId()).filter(c -> ledger.state(SYSTEM, c.id()).map(s -> s.externalId() == null).orElse(true));
        }
        if (DELETED.equals(event.type()) || !client.integrationUserId().equals(object.path("LastModifiedById").asText())) {
            return found.map(local -> applyTo(local, remote)).orElseGet(() -> remote.deleted()
                    ? Outcome.of(Outcome.NOOP, "Contact " + remote.id() + " is not known locally") : inward.importCustomer(SYSTEM, remote, null));
        }
        if (found.isEmpty()) {
            return Outcome.of(Outcome.ECHO, "Twoway's own write; Contact " + remote.id() + " not known locally");
        }
        Customer local = found.get();
        SyncState state = ledger.state(SYSTEM, local.id()).orElse(null);
        if (state != null && state.remoteCreated() != null && remote.created() <= state.remoteCreated()) {
            return Outcome.of(Outcome.ECHO, "Twoway's own write; a newer Salesforce state is already agreed");
        }
        // Twoway writes only the fields it changed: a field that differs from the agreed state was changed in Salesforce
        // before that write, and polling sees both as one state
        Set<String> agreed = new HashSet<>();
        for (String field : CustomerEvents.SYNCED_FIELDS) {
            if (state == null || Objects.equals(remote.field(field), state.field(field))) {
                agreed.add(field);
            }
        }
        if (agreed.size() < CustomerEvents.SYNCED_FIELDS.size() && local.active() && !remote.deleted()) {
            return inward.merge(SYSTEM, local, state, remote, Instant.ofEpochMilli(remote.created()), agreed,
                    " (carried by Twoway's own write)");
        }
        ledger.recordRemote(SYSTEM, local.id(), remote, null);
        return Outcome.of(Outcome.ECHO, "Twoway's own write; agreed state confirmed");
    }

    private Outcome applyTo(Customer local, RemoteCustomer remote) {
        SyncState state = ledger.state(SYSTEM, local.id()).orElse(null);
        if (state != null && state.remoteCreated() != null) {
            if (remote.created() < state.remoteCreated()) {
                return Outcome.of(Outcome.STALE, "older than the applied Salesforce state of " + state.remoteEventId());
            }
            if (remote.sameAs(state)) {
                ledger.advanceRemote(SYSTEM, local.id(), remote);
                return Outcome.of(Outcome.NOOP, "Salesforce state already agreed");
            }
        }
        return inward.applyTo(SYSTEM, local, state, remote, Instant.ofEpochMilli(remote.created()), "");
    }

    /** An inbox event in the shape the inbox stores ({@code id}, {@code type}, {@code created}, {@code data.object}). */
    public static JsonNode inboxEvent(ObjectMapper json, String id, String type, Instant at, JsonNode record) {
        ObjectNode event = json.createObjectNode().put("id", id).put("type", type).put("created", at.toEpochMilli());
        ObjectNode object = record.deepCopy();
        // the inbox keys its per-object lock on data.object.id
        object.put("id", record.path("Id").asText());
        event.putObject("data").set("object", object);
        return event;
    }

    private static RemoteCustomer remote(InboxEvent event, JsonNode object) {
        if (DELETED.equals(event.type())) {
            return new RemoteCustomer(event.objectId(), null, null, true, null, Map.of(), false, event.id(), event.type(), event.created(), null);
        }
        ContactMapper.Contact contact = ContactMapper.Contact.of(object);
        if (contact.id() == null) {
            throw new IllegalArgumentException("event " + event.id() + " has no Contact Id");
        }
        return new RemoteCustomer(contact.id(), contact.name(), contact.email(), !contact.active(), contact.customerId(), Map.of(), false,
                event.id(), event.type(), event.created(), null);
    }
}
