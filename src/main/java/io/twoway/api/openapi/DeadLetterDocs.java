package io.twoway.api.openapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.twoway.api.openapi.CommonDocs.AuditEntry;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.List;

/** API description: the bodies of {@code /admin/dlq}. Documentation models only. */
public final class DeadLetterDocs {

    private DeadLetterDocs() {}

    @Schema(name = "DeadLetter", description = "A customer event the Stripe sync gave up on, kept beside the DLQ topic.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DeadLetter(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "1") long id,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "The integration's consumer that gave up.", example = "stripe-customer-sync") String consumer,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "The outbox event id.") String eventId,
            @Schema(nullable = true, example = "customer.updated") String eventType,
            @Schema(nullable = true) Long customerId,
            @Schema(nullable = true, description = "Filter with error_class.", example = "InvalidRequestException") String errorClass,
            @Schema(nullable = true) String errorMessage,
            @Schema(nullable = true, description = "Stripe's error code.", example = "email_invalid") String errorCode,
            @Schema(nullable = true, example = "400") Integer httpStatus,
            @Schema(nullable = true) Integer attempts,
            @Schema(nullable = true, example = "customer_events") String sourceTopic,
            @Schema(nullable = true) Integer sourcePartition,
            @Schema(nullable = true) Long sourceOffset,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"open", "replayed", "discarded"}) String status,
            @Schema(nullable = true, description = "The customer version a replay sent.") Long replayVersion,
            @Schema(nullable = true) String resolvedBy,
            @Schema(nullable = true, format = "date-time") String resolvedAt,
            @Schema(requiredMode = RequiredMode.REQUIRED, format = "date-time") String createdAt,
            @Schema(description = "The original message; only in the detail, replay and discard answers.") String payload,
            @Schema(description = "The original message's headers, error headers included; only in the detail, replay and discard answers.")
            Object headers,
            @Schema(description = "The audit trail; only in the detail, replay and discard answers.") List<AuditEntry> audit) {
    }

    @Schema(name = "DeadLetterPage", description = "A page of dead letters, newest first.")
    public record DeadLetterPage(
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "How many match the filters.") long total,
            @Schema(requiredMode = RequiredMode.REQUIRED) int skip,
            @Schema(requiredMode = RequiredMode.REQUIRED) int limit,
            @Schema(requiredMode = RequiredMode.REQUIRED) List<DeadLetter> items) {
    }

    @Schema(name = "DeadLetterPageEnvelope", description = "Success envelope with a page of dead letters.")
    public record DeadLetterPageEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED) DeadLetterPage data) {
    }

    @Schema(name = "DeadLetterEnvelope", description = "Success envelope with one dead letter.")
    public record DeadLetterEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(description = "What was done; absent on a read.", example = "Dead letter 1 replayed as customer.updated version 4 of customer 7")
            String message,
            @Schema(requiredMode = RequiredMode.REQUIRED) DeadLetter data) {
    }

    @Schema(name = "DeadLetterBulkReplay", description = "Which dead letters to replay: either ids, or error_class (its open ones, oldest "
            + "first, up to 1000). Each is replayed on its own. Any other field is refused (400).")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DeadLetterBulkReplay(
            @ArraySchema(arraySchema = @Schema(description = "Dead letter ids; duplicates are dropped. Not with error_class."),
                    schema = @Schema(minimum = "1"), minItems = 1, maxItems = 1000) List<Long> ids,
            @Schema(minLength = 1, description = "An error class as GET /admin/dlq shows it. Not with ids.", example = "InvalidRequestException")
            String errorClass) {
    }
}
