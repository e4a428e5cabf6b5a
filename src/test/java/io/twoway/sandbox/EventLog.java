package io.twoway.sandbox;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import java.util.function.Supplier;

/** Thread-safe, append-only log of compact Stripe events, ordered for paging; feeds the {@link WebhookSender}. */
final class EventLog {

    static final String API_VERSION = "2026-07-29.dahlia";
    static final long MAX_CREATED = 1L << 38; // the order key needs created < 2^39
    private static final Set<String> LIST_PARAMS =
            Set.of("limit", "starting_after", "ending_before", "type", "types", "created", "delivery_success", "expand");

    /** One event; {@code data.object} comes from an immutable snapshot (shared with the store), not a copy. */
    private static final class Event {
        final String id;
        final long seq; // list order: created second, then creation order
        final long created;
        final String type;
        final Supplier<Map<String, Object>> object;
        final Map<String, Object> previous; // frozen; null unless given (*.updated)
        final String requestId;
        final String idempotencyKey;
        int pendingWebhooks; // guarded by the log's lock

        Event(long seq, long created, String type, Supplier<Map<String, Object>> object, Map<String, Object> previous,
              RequestContext ctx, int pending) {
            this.id = StripeIds.event();
            this.seq = seq;
            this.created = created;
            this.type = type;
            this.object = object;
            this.previous = previous == null ? null : SandboxJson.frozen(previous);
            this.requestId = ctx == null ? null : ctx.requestId();
            this.idempotencyKey = ctx == null ? null : ctx.idempotencyKey();
            this.pendingWebhooks = pending;
        }

        /** The event JSON, to serialise or freeze (it may share immutable parts with the stored event). */
        Map<String, Object> render() {
            Map<String, Object> e = new LinkedHashMap<>();
            e.put("id", id);
            e.put("object", "event");
            e.put("api_version", API_VERSION);
            e.put("created", created);
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("object", object.get());
            if (previous != null) {
                data.put("previous_attributes", previous);
            }
            e.put("data", data);
            e.put("livemode", false);
            e.put("pending_webhooks", pendingWebhooks);
            Map<String, Object> request = new LinkedHashMap<>();
            request.put("id", requestId);
            request.put("idempotency_key", idempotencyKey);
            e.put("request", request);
            e.put("type", type);
            return e;
        }
    }

    private final WebhookSender webhooks;
    private final NavigableMap<Long, Event> events = new TreeMap<>(); // by list order: newest last
    private final Map<String, Event> byId = new HashMap<>();
    private long nextSeq;

    EventLog(WebhookSender webhooks) {
        this.webhooks = webhooks;
    }

    /** As {@link #append(String, Supplier, Map, RequestContext, long)}, created now. */
    synchronized Map<String, Object> append(String type, Supplier<Map<String, Object>> object,
                                            Map<String, Object> previous, RequestContext ctx) {
        return append(type, object, previous, ctx, Instant.now().getEpochSecond());
    }

    /**
     * Records an event whose {@code data.object} is rendered by {@code object} (which must always give the same JSON),
     * with {@code previous} (copied) only for *.updated and an explicit {@code created} (unix seconds), and hands it
     * to the webhook sender; returns it as rendered. Listing order follows {@code created}, then creation order, as
     * Stripe lists newest first.
     */
    synchronized Map<String, Object> append(String type, Supplier<Map<String, Object>> object,
                                            Map<String, Object> previous, RequestContext ctx, long created) {
        boolean deliver = webhooks.enabled();
        Event event = new Event(orderKey(created, nextSeq++), created, type, object, previous, ctx, deliver ? 1 : 0);
        events.put(event.seq, event);
        byId.put(event.id, event);
        Map<String, Object> rendered = event.render();
        if (deliver) {
            webhooks.enqueue(event.id, type, SandboxJson.write(rendered));
        }
        return rendered;
    }

    /** Sorts by created second, then creation order (the counter's low 24 bits: exact until 16M events). */
    private static long orderKey(long created, long counter) {
        return (created << 24) | (counter & 0xFF_FFFFL);
    }

    /** Called by the sender once an event was delivered with a 2xx. */
    synchronized void delivered(String eventId) {
        Event e = byId.get(eventId);
        if (e != null) {
            e.pendingWebhooks = Math.max(0, e.pendingWebhooks - 1);
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
        LongPredicate created = ListParams.createdFilter(params.get("created"));
        Predicate<Event> filter = e -> (type == null || typeMatches(type, e.type))
                && (types.isEmpty() || types.stream().anyMatch(t -> typeMatches(t, e.type)))
                && created.test(e.created)
                && (deliverySuccess == null || Boolean.parseBoolean(deliverySuccess) == (e.pendingWebhooks == 0));
        return ListParams.page("/v1/events", events, filter, Event::render, params, this::seqOf, "event");
    }

    /** All events, newest first. */
    synchronized List<Map<String, Object>> all() {
        return events.descendingMap().values().stream().map(Event::render).toList();
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
