package io.twoway.api.openapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.List;

/** API description: the bodies of {@code POST /webhooks/stripe} and of {@code /admin/webhooks}. Documentation models only. */
public final class InboxDocs {

    private InboxDocs() {}

    static final String STATUSES = "pending: waiting to be applied; applied; conflict: held by a conflict; echo: Twoway's own write coming back; "
            + "stale: older than what was applied; noop: nothing to change; skipped; ignored: a type Twoway does not handle; parked: failed, "
            + "waits for POST /admin/webhooks/{id}/retry.";

    @Schema(name = "StripeEvent", description = "A Stripe event as Stripe sends it (https://docs.stripe.com/api/events/object); other fields are "
            + "kept as they are. The signature is checked on the raw bytes of the body.")
    public record StripeEvent(
            @Schema(requiredMode = RequiredMode.REQUIRED, maxLength = 255, description = "The event id; a second delivery of the same id is not "
                    + "applied again.", example = "evt_1Q2w3E4r5T6y7U8i") String id,
            @Schema(example = "event") String object,
            @Schema(requiredMode = RequiredMode.REQUIRED, maxLength = 128, description = "customer.created, customer.updated and customer.deleted "
                    + "are applied; any other type is stored as ignored.", example = "customer.updated") String type,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Unix seconds.", example = "1767225600") long created,
            @Schema(description = "object: the customer; previous_attributes: the old values of an update.",
                    example = "{\"object\": {\"id\": \"cus_QX2v9yBn1mZk3L\", \"object\": \"customer\", \"name\": \"Ada King\"}, "
                            + "\"previous_attributes\": {\"name\": \"Ada Lovelace\"}}") Object data,
            @Schema(description = "The API request that caused the event; its idempotency_key tells Twoway's own writes (echoes) apart.")
            Object request,
            Boolean livemode) {
    }

    @Schema(name = "WebhookReceipt", description = "What became of a received event.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record WebhookReceipt(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "evt_1Q2w3E4r5T6y7U8i") String eventId,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "customer.updated") String type,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"pending", "ignored", "duplicate"},
                    description = "pending: stored, applied shortly; ignored: stored, a type Twoway does not handle; duplicate: already received.")
            String status) {
    }

    @Schema(name = "WebhookReceiptEnvelope", description = "Success envelope of a received webhook event.")
    public record WebhookReceiptEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"Event received", "Event already received"}) String message,
            @Schema(requiredMode = RequiredMode.REQUIRED) WebhookReceipt data) {
    }

    @Schema(name = "WebhookEvent", description = "A received webhook event (or one the catch-up read from Stripe's event log) and its outcome.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record WebhookEvent(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "evt_1Q2w3E4r5T6y7U8i") String id,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "stripe") String source,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "customer.updated") String type,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "The event's time, Unix seconds.") long created,
            @Schema(nullable = true, description = "The customer it concerns.", example = "cus_QX2v9yBn1mZk3L") String objectId,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = STATUSES,
                    allowableValues = {"pending", "applied", "conflict", "echo", "stale", "noop", "skipped", "ignored", "parked"}) String status,
            @Schema(nullable = true, description = "What applying it did, in words.") String outcome,
            @Schema(nullable = true, description = "The last failure.") String error,
            @Schema(requiredMode = RequiredMode.REQUIRED) int attempts,
            @Schema(requiredMode = RequiredMode.REQUIRED, format = "date-time") String receivedAt,
            @Schema(nullable = true, format = "date-time") String processedAt,
            @Schema(description = "The event as received; only in GET /admin/webhooks/{id}.") Object payload) {
    }

    @Schema(name = "WebhookEventPage", description = "A page of webhook events, newest first.")
    public record WebhookEventPage(
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "How many match the filters.") long total,
            @Schema(requiredMode = RequiredMode.REQUIRED) int skip,
            @Schema(requiredMode = RequiredMode.REQUIRED) int limit,
            @Schema(requiredMode = RequiredMode.REQUIRED) List<WebhookEvent> items) {
    }

    @Schema(name = "WebhookEventPageEnvelope", description = "Success envelope with a page of webhook events.")
    public record WebhookEventPageEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED) WebhookEventPage data) {
    }

    @Schema(name = "WebhookEventEnvelope", description = "Success envelope with one webhook event and its payload.")
    public record WebhookEventEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED) WebhookEvent data) {
    }

    @Schema(name = "WebhookRetry", description = "A parked event queued again.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record WebhookRetry(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "evt_1Q2w3E4r5T6y7U8i") String eventId,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "pending") String status) {
    }

    @Schema(name = "WebhookRetryEnvelope", description = "Success envelope of a retry.")
    public record WebhookRetryEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "Webhook event evt_1Q2w3E4r5T6y7U8i queued for another attempt") String message,
            @Schema(requiredMode = RequiredMode.REQUIRED) WebhookRetry data) {
    }
}
