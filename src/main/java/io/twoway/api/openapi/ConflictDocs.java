package io.twoway.api.openapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.twoway.api.openapi.CommonDocs.AuditEntry;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.List;
import java.util.Map;

/** API description: the bodies of {@code /admin/conflicts}. Documentation models only. */
public final class ConflictDocs {

    private ConflictDocs() {}

    @Schema(name = "Conflict", description = "A conflict between a local change and a Stripe change, and what became of it.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Conflict(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "1") long id,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"email_collision", "concurrent_edit"}) String type,
            @Schema(nullable = true, description = "The local customer; null for an email collision on an inward create (see remote_object).")
            Long customerId,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "stripe") String system,
            @Schema(nullable = true, description = "The customer's id in that system.", example = "cus_QX2v9yBn1mZk3L") String externalId,
            @Schema(nullable = true, description = "The event that brought the remote change.", example = "evt_1Q2w3E4r5T6y7U8i") String sourceEventId,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Per field in conflict: the local, remote and base (last agreed) values.")
            Map<String, FieldSides> fields,
            @Schema(nullable = true, description = "The remote customer when it has no local row (an email collision on an inward create).")
            Object remoteObject,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "CONFLICT_RESOLUTION_STRATEGY when it was detected.", example = "flag")
            String strategy,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"open", "auto_resolved", "resolved"}) String status,
            @Schema(nullable = true, allowableValues = {"accept_local", "accept_remote", "manual_merge"}) String resolution,
            @Schema(nullable = true, description = "The values applied, and which fields were pushed to Stripe.") Object resolvedValues,
            @Schema(nullable = true) String resolvedBy,
            @Schema(nullable = true, format = "date-time") String resolvedAt,
            @Schema(requiredMode = RequiredMode.REQUIRED, format = "date-time") String detectedAt,
            @Schema(description = "The audit trail; only in GET /admin/conflicts/{id}.") List<AuditEntry> audit) {
    }

    @Schema(name = "ConflictFieldSides", description = "One field's values on each side of a conflict.")
    public record FieldSides(@Schema(nullable = true) String local, @Schema(nullable = true) String remote,
                             @Schema(nullable = true, description = "The last value both sides agreed on.") String base) {
    }

    @Schema(name = "ConflictPage", description = "A page of conflicts, newest first.")
    public record ConflictPage(
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "How many match the filters.") long total,
            @Schema(requiredMode = RequiredMode.REQUIRED) int skip,
            @Schema(requiredMode = RequiredMode.REQUIRED) int limit,
            @Schema(requiredMode = RequiredMode.REQUIRED) List<Conflict> items) {
    }

    @Schema(name = "ConflictPageEnvelope", description = "Success envelope with a page of conflicts.")
    public record ConflictPageEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED) ConflictPage data) {
    }

    @Schema(name = "ConflictEnvelope", description = "Success envelope with one conflict.")
    public record ConflictEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(description = "What was done; absent on a read.", example = "Conflict 1 resolved (accept_remote)") String message,
            @Schema(requiredMode = RequiredMode.REQUIRED) Conflict data) {
    }

    @Schema(name = "ConflictStats", description = "Conflict counts.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ConflictStats(
            @Schema(requiredMode = RequiredMode.REQUIRED) long total,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "{\"open\": 2, \"resolved\": 5}") Map<String, Long> byStatus,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "{\"email_collision\": 3, \"concurrent_edit\": 4}") Map<String, Long> byType,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "{\"flag\": 7}") Map<String, Long> byStrategy,
            @Schema(requiredMode = RequiredMode.REQUIRED, minimum = "0", maximum = "1") double autoResolutionRate,
            @Schema(requiredMode = RequiredMode.REQUIRED, minimum = "0", maximum = "1") double manualResolutionRate,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Conflicts detected per day (UTC) over the last 30 days.") List<DayCount> perDay) {
    }

    @Schema(name = "DayCount", description = "How many on one day.")
    public record DayCount(@Schema(requiredMode = RequiredMode.REQUIRED, format = "date") String day,
                           @Schema(requiredMode = RequiredMode.REQUIRED) long count) {
    }

    @Schema(name = "ConflictStatsEnvelope", description = "Success envelope with the conflict counts.")
    public record ConflictStatsEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED) ConflictStats data) {
    }

    @Schema(name = "ConflictResolution", description = "How to resolve one open conflict. Any other field is refused (400).")
    public record ConflictResolution(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"accept_local", "accept_remote", "manual_merge"},
                    description = "accept_local: the local values win (and go to Stripe); accept_remote: Stripe's win; manual_merge: the values in merged.")
            String resolution,
            @Schema(description = "For manual_merge only (required there, refused otherwise): name and/or email, checked as a customer update.")
            CustomerDocs.CustomerUpdate merged) {
    }

    @Schema(name = "ConflictBulkResolution", description = "One resolution for many open conflicts; each is resolved on its own.")
    public record ConflictBulkResolution(
            @ArraySchema(arraySchema = @Schema(requiredMode = RequiredMode.REQUIRED, description = "Conflict ids; duplicates are dropped."),
                    schema = @Schema(minimum = "1"), minItems = 1, maxItems = 1000) List<Long> ids,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"accept_local", "accept_remote", "manual_merge"}) String resolution,
            @Schema(description = "For manual_merge only: name and/or email.") CustomerDocs.CustomerUpdate merged) {
    }
}
