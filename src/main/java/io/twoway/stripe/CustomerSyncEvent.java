package io.twoway.stripe;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twoway.customer.CustomerEvents;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Outward sync: a customer outbox event as read from Kafka: the event id and type, the customer snapshot, where the
 * change came from ({@code origin}), which synced fields it changed ({@code changed}; all of them when absent), and
 * the partition and offset it was read at (null outside a consumer).
 */
public record CustomerSyncEvent(String eventId, String eventType, long customerId, long version, String name, String email,
                                String correlationId, String origin, List<String> changed, Integer partition, Long offset) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** Reads the Kafka message; a message that is not a customer event is a permanent failure. */
    public static CustomerSyncEvent parse(String eventId, String eventType, String payload) {
        if (eventId == null || eventId.isBlank()) {
            throw new StripeSyncException.Permanent("Kafka message has no eventId header", null, "missing_event_id", null);
        }
        if (!CustomerEvents.CREATED.equals(eventType) && !CustomerEvents.UPDATED.equals(eventType) && !CustomerEvents.DELETED.equals(eventType)) {
            throw new StripeSyncException.Permanent("Unknown event type " + eventType, null, "unknown_event_type", null);
        }
        try {
            JsonNode node = JSON.readTree(payload);
            if (node == null || !node.hasNonNull("id") || !node.hasNonNull("version")) {
                throw new StripeSyncException.Permanent("Customer event payload lacks id or version", null, "bad_payload", null);
            }
            List<String> changed = CustomerEvents.SYNCED_FIELDS;
            if (node.path("changed").isArray()) {
                List<String> named = new ArrayList<>();
                node.get("changed").forEach(f -> named.add(f.asText()));
                changed = List.copyOf(named);
            }
            return new CustomerSyncEvent(eventId, eventType, node.get("id").asLong(), node.get("version").asLong(),
                    text(node, "name"), text(node, "email"), text(node, "correlation_id"),
                    node.hasNonNull("origin") ? node.get("origin").asText() : CustomerEvents.ORIGIN_API, changed, null, null);
        } catch (IOException e) {
            throw new StripeSyncException.Permanent("Customer event payload is not JSON", null, "bad_payload", e);
        }
    }

    /** The same event, read at this partition and offset. */
    public CustomerSyncEvent readAt(Integer partition, Long offset) {
        return new CustomerSyncEvent(eventId, eventType, customerId, version, name, email, correlationId, origin, changed, partition, offset);
    }

    private static String text(JsonNode node, String field) {
        return node.hasNonNull(field) ? node.get(field).asText() : null;
    }

    public String field(String field) {
        return CustomerEvents.field(field, name, email);
    }

    public boolean isDelete() {
        return CustomerEvents.DELETED.equals(eventType);
    }
}
