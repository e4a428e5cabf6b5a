package io.twoway.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local-run controls under {@code /_sandbox/} (webhook pause, faults, forged events, delivery and request logs, seeded
 * customers), JSON in and out; no API key, and never in the request log, the rate limit or the injected faults.
 */
final class SandboxControls implements HttpHandler {

    static final String PREFIX = "/_sandbox/";
    private static final Logger log = LoggerFactory.getLogger(SandboxControls.class);
    private static final Set<String> FAULT_PARAMS =
            Set.of("drop", "duplicate", "delay_ms", "count", "reorder", "clear");
    private static final Set<String> SEND_PARAMS =
            Set.of("type", "object", "previous_attributes", "idempotency_key", "created");

    private final StripeSandbox sandbox;
    private final WebhookSender webhooks;

    SandboxControls(StripeSandbox sandbox, WebhookSender webhooks) {
        this.sandbox = sandbox;
        this.webhooks = webhooks;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase();
        String path = exchange.getRequestURI().getPath().replaceAll("/+$", "");
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        SandboxResponse response;
        try {
            response = route(method, path, body);
        } catch (StripeErrors.Failure f) {
            response = f.toResponse();
        } catch (IllegalArgumentException e) {
            response = StripeErrors.invalid(null, e.getMessage(), null).toResponse();
        } catch (RuntimeException e) {
            log.warn("stripe-sandbox control {} {} failed", method, path, e);
            response = StripeErrors.forStatus(500);
        }
        log.info("stripe-sandbox control {} {} -> {}", method, path, response.status());
        byte[] bytes = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private SandboxResponse route(String method, String path, String body) {
        switch (method + " " + path) {
            case "GET /_sandbox/webhooks":
                return SandboxResponse.ok(status());
            case "POST /_sandbox/webhooks/pause":
                sandbox.pauseWebhooks();
                return SandboxResponse.ok(status());
            case "POST /_sandbox/webhooks/resume":
                sandbox.resumeWebhooks();
                return SandboxResponse.ok(status());
            case "POST /_sandbox/webhooks/faults":
                faults(object(body));
                return SandboxResponse.ok(status());
            case "POST /_sandbox/webhooks/send":
                return SandboxResponse.ok(send(object(body)));
            case "GET /_sandbox/webhooks/deliveries":
                return SandboxResponse.ok(
                        list(sandbox.webhookDeliveries().stream().map(SandboxControls::json).toList()));
            case "POST /_sandbox/customers/seed":
                return SandboxResponse.ok(list(sandbox.seedCustomers(CustomerSeeds.fromJson(object(body)))));
            case "GET /_sandbox/requests":
                return SandboxResponse.ok(list(sandbox.requests().stream().map(SandboxControls::json).toList()));
            default:
                throw StripeErrors.unrecognizedUrl(method, path);
        }
    }

    /** {@code {"url","paused","held","faults"}}; never the secret. */
    private Map<String, Object> status() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("url", webhooks.url());
        out.put("paused", webhooks.paused());
        out.put("held", webhooks.heldCount());
        out.put("faults", webhooks.faults().describe());
        return out;
    }

    /** Validates everything first, so a bad request changes nothing; {@code clear} applies before the rest. */
    private void faults(Map<String, Object> body) {
        ListParams.rejectUnknown(body, FAULT_PARAMS);
        if (body.isEmpty()) {
            throw StripeErrors.invalid("parameter_missing",
                    "Give at least one of: drop, duplicate, delay_ms (with count), reorder, clear.", null);
        }
        Object clear = body.get("clear");
        if (clear != null && !(clear instanceof Boolean)) {
            throw StripeErrors.invalid(null, "Invalid boolean: " + SandboxJson.write(clear), "clear");
        }
        int drop = count(body, "drop", 0);
        int duplicate = count(body, "duplicate", 0);
        int reorder = count(body, "reorder", 0);
        if (body.containsKey("count") && !body.containsKey("delay_ms")) {
            throw StripeErrors.invalid("parameter_missing", "count goes with delay_ms.", "delay_ms");
        }
        Integer delayMs = body.containsKey("delay_ms") ? count(body, "delay_ms", 0) : null;
        int delayCount = count(body, "count", 1);
        if (Boolean.TRUE.equals(clear)) {
            sandbox.clearWebhookFaults();
        }
        sandbox.dropNextWebhooks(drop);
        sandbox.duplicateNextWebhooks(duplicate);
        if (delayMs != null) {
            sandbox.delayNextWebhooks(delayCount, Duration.ofMillis(delayMs));
        }
        sandbox.reorderNextWebhooks(reorder);
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> send(Map<String, Object> body) {
        ListParams.rejectUnknown(body, SEND_PARAMS);
        Object type = body.get("type");
        if (!(type instanceof String t) || t.isBlank()) {
            throw StripeErrors.invalid("parameter_missing", "Missing required param: type.", "type");
        }
        if (!(body.get("object") instanceof Map<?, ?> object)) {
            throw StripeErrors.invalid("parameter_missing", "Missing required param: object (a JSON object).",
                    "object");
        }
        Object previous = body.get("previous_attributes");
        if (previous != null && !(previous instanceof Map)) {
            throw StripeErrors.invalid(null, "previous_attributes must be a JSON object or null.",
                    "previous_attributes");
        }
        Object key = body.get("idempotency_key");
        if (key != null && !(key instanceof String)) {
            throw StripeErrors.invalid(null, "Invalid string: " + SandboxJson.write(key), "idempotency_key");
        }
        Map<String, Object> objectJson = (Map<String, Object>) object;
        Map<String, Object> previousJson = (Map<String, Object>) previous;
        if (body.get("created") == null) {
            return sandbox.sendEvent(t, objectJson, previousJson, (String) key);
        }
        long created = integer(body.get("created"), "created");
        if (created <= 0) {
            throw StripeErrors.invalid(null, "This value must be greater than or equal to 1.", "created");
        }
        return sandbox.sendEvent(t, objectJson, previousJson, (String) key, created);
    }

    private static Map<String, Object> object(String body) {
        if (body.isBlank()) {
            throw StripeErrors.invalid("parameter_missing", "A JSON object body is required.", null);
        }
        Map<String, Object> json;
        try {
            json = SandboxJson.read(body);
        } catch (IllegalArgumentException e) {
            throw StripeErrors.invalid(null, "The body is not a JSON object.", null);
        }
        if (json == null) {
            throw StripeErrors.invalid("parameter_missing", "A JSON object body is required.", null);
        }
        return json;
    }

    private static int count(Map<String, Object> body, String name, int absent) {
        Object raw = body.get(name);
        if (raw == null) {
            return absent;
        }
        long value = integer(raw, name);
        if (value < 0 || value > Integer.MAX_VALUE) {
            throw StripeErrors.invalid(null, "This value must be between 0 and " + Integer.MAX_VALUE + ".", name);
        }
        return (int) value;
    }

    private static long integer(Object raw, String name) {
        if (raw instanceof Integer || raw instanceof Long) {
            return ((Number) raw).longValue();
        }
        throw StripeErrors.invalid(null, "Invalid integer: " + SandboxJson.write(raw), name);
    }

    private static Map<String, Object> list(List<?> data) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", "list");
        out.put("data", data);
        return out;
    }

    private static Map<String, Object> json(WebhookDelivery d) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", d.at().toString());
        out.put("event_id", d.eventId());
        out.put("event_type", d.eventType());
        out.put("status", d.status());
        out.put("attempt", d.attempt());
        out.put("dropped", d.dropped());
        return out;
    }

    private static Map<String, Object> json(RecordedRequest r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", r.at().toString());
        out.put("method", r.method());
        out.put("path", r.path());
        out.put("status", r.status());
        out.put("idempotency_key", r.idempotencyKey());
        out.put("replayed", r.replayed());
        return out;
    }
}
