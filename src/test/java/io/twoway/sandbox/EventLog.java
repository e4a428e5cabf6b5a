package io.twoway.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

/** Thread-safe, append-only log of Stripe events; hands each new event to the {@link WebhookSender}. */
final class EventLog {

    static final String API_VERSION = "2026-07-29.dahlia";
    private static final Set<String> LIST_PARAMS =
            Set.of("limit", "starting_after", "ending_before", "type", "types", "created", "delivery_success", "expand");

    private static final class Event {
        final String id;
        final long seq; // list order: created second, then creation order
        final long created;
        final String type;
        final Map<String, Object> json;
        final AtomicInteger pendingWebhooks;

        Event(String id, long seq, long created, String type, Map<String, Object> json, int pending) {
            this.id = id;
            this.seq = seq;
            this.created = created;
            this.type = type;
            this.json = json;
            this.pendingWebhooks = new AtomicInteger(pending);
        }

        Map<String, Object> render() {
            Map<String, Object> copy = SandboxJson.copy(json);
            copy.put("pending_webhooks", pendingWebhooks.get());
            return copy;
        }
    }

    private final WebhookSender webhooks;
    private final List<Event> events = new ArrayList<>(); // oldest first
    private final Map<String, Event> byId = new HashMap<>();
    private long nextSeq;

    EventLog(WebhookSender webhooks) {
        this.webhooks = webhooks;
    }

    /** Records an event for {@code object} (copied), created now; {@code previous} only for *.updated. */
    synchronized Map<String, Object> append(String type, Map<String, Object> object, Map<String, Object> previous,
                                            RequestContext ctx) {
        return append(type, object, previous, ctx, Instant.now().getEpochSecond());
    }

    /**
     * Records an event with an explicit {@code created} (unix seconds) and hands it to the webhook sender; returns it
     * as rendered. Listing order follows {@code created}, then creation order, as Stripe lists newest first.
     */
    synchronized Map<String, Object> append(String type, Map<String, Object> object, Map<String, Object> previous,
                                            RequestContext ctx, long created) {
        Map<String, Object> e = new LinkedHashMap<>();
        String id = StripeIds.event();
        e.put("id", id);
        e.put("object", "event");
        e.put("api_version", API_VERSION);
        e.put("created", created);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("object", SandboxJson.copy(object));
        if (previous != null) {
            data.put("previous_attributes", SandboxJson.copy(previous));
        }
        e.put("data", data);
        e.put("livemode", false);
        e.put("pending_webhooks", 0);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", ctx == null ? null : ctx.requestId());
        request.put("idempotency_key", ctx == null ? null : ctx.idempotencyKey());
        e.put("request", request);
        e.put("type", type);
        boolean deliver = webhooks.enabled();
        Event event = new Event(id, orderKey(created, nextSeq++), created, type, e, deliver ? 1 : 0);
        int at = events.size();
        while (at > 0 && events.get(at - 1).seq > event.seq) {
            at--; // an explicitly older created: keep the list sorted by (created, creation order)
        }
        events.add(at, event);
        byId.put(id, event);
        if (deliver) {
            webhooks.enqueue(id, type, SandboxJson.write(event.render()));
        }
        return event.render();
    }

    /** Sorts by created second, then creation order (the counter's low 24 bits: exact until 16M events). */
    private static long orderKey(long created, long counter) {
        return (created << 24) | (counter & 0xFF_FFFFL);
    }

    /** Called by the sender once an event was delivered with a 2xx. */
    synchronized void delivered(String eventId) {
        Event e = byId.get(eventId);
        if (e != null) {
            e.pendingWebhooks.updateAndGet(n -> Math.max(0, n - 1));
        }
    }

    synchronized Map<String, Object> retrieve(String id) {
        Event e = byId.get(id);
        if (e == null) {
            throw StripeErrors.missing("event", id, "id");
        }
        return e.render();
    }

    /** GET /v1/events: type (with {@code *} wildcard), types[], created range, delivery_success, paging. */
    synchronized Map<String, Object> list(Map<String, Object> params) {
        ListParams.rejectUnknown(params, LIST_PARAMS);
        String type = ListParams.string(params, "type");
        List<String> types;
        try {
            types = FormDecoder.asList(params.get("types"));
        } catch (IllegalArgumentException ex) {
            throw StripeErrors.invalid(null, "Invalid array", "types");
        }
        if (type != null && !types.isEmpty()) {
            throw StripeErrors.invalid(null, "You may only specify one of these parameters: type, types.", "type");
        }
        String deliverySuccess = ListParams.string(params, "delivery_success");
        List<ListParams.Item> items = new ArrayList<>();
        for (int i = events.size() - 1; i >= 0; i--) {
            Event e = events.get(i);
            if (type != null && !typeMatches(type, e.type)) {
                continue;
            }
            if (!types.isEmpty() && types.stream().noneMatch(t -> typeMatches(t, e.type))) {
                continue;
            }
            if (!ListParams.createdMatches(params.get("created"), e.created)) {
                continue;
            }
            if (deliverySuccess != null && Boolean.parseBoolean(deliverySuccess) != (e.pendingWebhooks.get() == 0)) {
                continue;
            }
            items.add(new ListParams.Item(e.id, e.seq, e.created, e.render()));
        }
        return ListParams.page("/v1/events", items, params, this::seqOf, "event");
    }

    /** All events, newest first. */
    synchronized List<Map<String, Object>> all() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (int i = events.size() - 1; i >= 0; i--) {
            out.add(events.get(i).render());
        }
        return out;
    }

    synchronized void reset() {
        events.clear();
        byId.clear();
    }

    private long seqOf(String id) {
        Event e = byId.get(id);
        return e == null ? -1 : e.seq;
    }

    private static boolean typeMatches(String pattern, String type) {
        if (pattern.endsWith("*")) {
            return type.startsWith(pattern.substring(0, pattern.length() - 1));
        }
        return pattern.equals(type);
    }
}
