package io.twoway.testsupport;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twoway.inbox.WebhookSignature;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

/** Tests: Stripe events in Stripe's shape, signed as Stripe signs them, posted to the service's webhook endpoint. */
public final class StripeEvents {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final Http http;
    private final String secret;

    public StripeEvents(Http http, String secret) {
        this.http = http;
        this.secret = secret;
    }

    public static Map<String, Object> customer(String id, String name, String email, Long localId) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id);
        c.put("object", "customer");
        c.put("created", Instant.now().getEpochSecond());
        c.put("email", email);
        c.put("name", name);
        c.put("livemode", false);
        c.put("metadata", localId == null ? Map.of() : Map.of("twoway_customer_id", String.valueOf(localId)));
        return c;
    }

    /** An event body: {@code previous} only for customer.updated, {@code idempotencyKey} as the API call's. */
    public static String event(String type, Map<String, Object> object, Map<String, Object> previous, long created, String idempotencyKey) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", "evt_test_" + UUID.randomUUID().toString().replace("-", ""));
        e.put("object", "event");
        e.put("api_version", "2026-07-29.dahlia");
        e.put("created", created);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("object", object);
        if (previous != null) {
            data.put("previous_attributes", previous);
        }
        e.put("data", data);
        e.put("livemode", false);
        e.put("pending_webhooks", 1);
        Map<String, Object> request = new LinkedHashMap<>();
        request.put("id", null);
        request.put("idempotency_key", idempotencyKey);
        e.put("request", request);
        e.put("type", type);
        try {
            return JSON.writeValueAsString(e);
        } catch (JsonProcessingException ex) {
            throw new IllegalStateException(ex);
        }
    }

    public static String idOf(String eventBody) {
        try {
            return JSON.readTree(eventBody).get("id").asText();
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Posts the body signed now with the configured secret. */
    public Http.Reply post(String body) {
        return post(body, WebhookSignature.sign(Instant.now().getEpochSecond(), body.getBytes(StandardCharsets.UTF_8), secret));
    }

    /** Posts the body with the given Stripe-Signature header (null = none). */
    public Http.Reply post(String body, String signatureHeader) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(http.base() + "/webhooks/stripe"))
                .header("Content-Type", "application/json; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (signatureHeader != null) {
            request.header("Stripe-Signature", signatureHeader);
        }
        return http.send(request);
    }
}
