package io.twoway.inbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.twoway.api.ApiException;
import io.twoway.api.ApiResponses;
import io.twoway.config.Roles;
import io.twoway.config.TwowayProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.TransactionException;

/**
 * Inward sync: the {@code webhook-stripe-receive} step. It verifies the signature on the raw body, makes the event
 * durable in the inbox (once per event id) and answers; applying it is left to {@code webhook-stripe-apply}. A valid
 * event is never answered 5xx for its content: a type Twoway does not handle is stored as {@code ignored}.
 */
@Component("stripeWebhookReceiver")
public class StripeWebhookReceiver {

    /** Set on the exchange when the event is new and pending: the id that the apply route takes. */
    public static final String APPLY_EVENT_ID = "twowayInboxEventId";
    private static final Logger LOG = LoggerFactory.getLogger(StripeWebhookReceiver.class);

    private final WebhookSignature signature;
    private final WebhookInbox inbox;
    private final WebhookApplier applier;
    private final ObjectMapper json;
    private final MeterRegistry meters;

    public StripeWebhookReceiver(TwowayProperties properties, WebhookInbox inbox, List<WebhookApplier> appliers, ObjectMapper json,
                                 MeterRegistry meters, Roles roles) {
        this.meters = meters;
        this.signature = new WebhookSignature(properties.webhook().secret(), properties.webhook().toleranceSeconds());
        this.inbox = inbox;
        this.applier = appliers.stream().filter(a -> "stripe".equals(a.source())).findFirst()
                .orElseThrow(() -> new IllegalStateException("no apply step for Stripe webhooks"));
        this.json = json;
        if (!signature.configured() && roles.has(Roles.Role.API)) {
            LOG.warn("STRIPE_WEBHOOK_SECRET is not set: POST /webhooks/stripe refuses every event until it is");
        }
    }

    public Map<String, Object> receive(Exchange exchange) {
        Message in = exchange.getMessage();
        byte[] body = in.getBody(byte[].class);
        body = body == null ? new byte[0] : body;
        try {
            signature.verify(body, in.getHeader("Stripe-Signature", String.class), Instant.now().getEpochSecond());
        } catch (WebhookSignature.Invalid e) {
            LOG.warn("Refused a Stripe webhook: {}", e.getMessage());
            throw new ApiException(400, "Invalid Stripe signature: " + e.getMessage());
        }
        JsonNode event;
        try {
            event = json.readTree(body);
        } catch (IOException e) {
            throw ApiException.badRequest("Webhook body is not JSON");
        }
        if (event == null || !event.isObject() || !event.path("id").isTextual() || !event.path("type").isTextual()
                || !event.path("created").canConvertToLong()) {
            throw ApiException.badRequest("Webhook body is not a Stripe event: it needs id, type and created");
        }
        String id = event.get("id").asText();
        String type = event.get("type").asText();
        JsonNode objectId = event.path("data").path("object").path("id");
        if (id.isBlank() || id.length() > 255 || type.isBlank() || type.length() > 128 || (objectId.isTextual() && objectId.asText().length() > 255)) {
            throw ApiException.badRequest("Webhook body is not a Stripe event: id, type or data.object.id is empty or too long");
        }
        MDC.put("eventId", id);
        String status = applier.handles(type) ? Outcome.PENDING : Outcome.IGNORED;
        boolean fresh;
        try {
            fresh = inbox.store(id, applier.source(), type, event.get("created").asLong(), objectId.isTextual() ? objectId.asText() : null,
                    WebhookInbox.storable(json, event, new String(body, StandardCharsets.UTF_8)), status);
        } catch (DataAccessException | TransactionException e) {
            LOG.error("Could not store Stripe webhook {} ({}): {}", id, type, e.getMessage());
            throw new ApiException(503, "The event could not be stored; the database is unavailable. Retry later.");
        }
        if (fresh && Outcome.PENDING.equals(status)) {
            exchange.setProperty(APPLY_EVENT_ID, id);
        }
        meters.counter("twoway.webhooks.received", "source", applier.source(), "type", type, "status", fresh ? status : "duplicate").increment();
        LOG.debug("Received Stripe webhook {} ({}){}", id, type, fresh ? (Outcome.IGNORED.equals(status) ? ": not handled, ignored" : "") : ": duplicate");
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("event_id", id);
        data.put("type", type);
        data.put("status", fresh ? status : "duplicate");
        return ApiResponses.success(fresh ? "Event received" : "Event already received", data);
    }
}
