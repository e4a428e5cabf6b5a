package io.twoway.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import io.twoway.customer.CustomerEvents;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Inward sync: a Stripe customer as one event carries it: the object's id, name, email and deletion, the local id
 * Twoway put in its metadata, the fields the change replaced ({@code previous_attributes}, with their old values),
 * the event's id and time, and the idempotency key of the API call that caused it.
 */
public record RemoteCustomer(String id, String name, String email, boolean deleted, Long localId, Map<String, String> previous,
                             boolean previousKnown, String eventId, String eventType, long created, String idempotencyKey) {

    public static final String CREATED = "customer.created";
    public static final String UPDATED = "customer.updated";
    public static final String DELETED = "customer.deleted";

    /** Reads a Stripe event; an event without a customer object id is malformed (a poison event, parked). */
    public static RemoteCustomer fromEvent(JsonNode event) {
        JsonNode object = event.path("data").path("object");
        String id = text(object, "id");
        if (id == null || id.isBlank()) {
            throw new IllegalArgumentException("event " + text(event, "id") + " has no data.object.id");
        }
        String type = text(event, "type");
        JsonNode prev = event.path("data").path("previous_attributes");
        Map<String, String> previous = new LinkedHashMap<>();
        for (String field : CustomerEvents.SYNCED_FIELDS) {
            if (prev.has(field)) {
                previous.put(field, text(prev, field));
            }
        }
        Long localId = localId(text(object.path("metadata"), StripeGateway.LOCAL_ID_METADATA));
        return new RemoteCustomer(id, text(object, "name"), text(object, "email"),
                DELETED.equals(type) || object.path("deleted").asBoolean(false), localId, previous, prev.isObject(),
                text(event, "id"), type, event.path("created").asLong(), text(event.path("request"), "idempotency_key"));
    }

    /** The local customer id a Stripe customer's metadata names, if it names a valid one. */
    public static Long localId(Map<String, String> metadata) {
        return metadata == null ? null : localId(metadata.get(StripeGateway.LOCAL_ID_METADATA));
    }

    private static Long localId(String metadataId) {
        return metadataId != null && metadataId.matches("[1-9][0-9]{0,17}") ? Long.parseLong(metadataId) : null;
    }

    /** The same event, with the customer replaced by what Stripe holds now (ordering by a fresh read). */
    public RemoteCustomer withCurrent(com.stripe.model.Customer current) {
        boolean gone = Boolean.TRUE.equals(current.getDeleted());
        return new RemoteCustomer(id, gone ? name : current.getName(), gone ? email : current.getEmail(), gone, localId, Map.of(), false,
                eventId, gone ? DELETED : UPDATED, created, idempotencyKey);
    }

    public String field(String field) {
        return CustomerEvents.field(field, name, email);
    }

    /** True when the event's {@code previous_attributes} names the field: this change replaced its value. */
    public boolean replaced(String field) {
        return previous.containsKey(field);
    }

    /** The value the field had before this change (its current value when the change did not touch it). */
    public String before(String field) {
        return previous.containsKey(field) ? previous.get(field) : field(field);
    }

    /** True when this event shows the same customer state as the agreed one. */
    public boolean sameAs(SyncState state) {
        return deleted == state.deleted() && Objects.equals(name, state.name()) && Objects.equals(email, state.email());
    }

    /** True when this change was made on top of the agreed state: the values it replaced are the agreed ones. */
    public boolean follows(SyncState state) {
        if (!previousKnown || deleted || state.deleted()) {
            return false;
        }
        return CustomerEvents.SYNCED_FIELDS.stream().allMatch(f -> Objects.equals(before(f), state.field(f)));
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }
}
