package io.twoway.api.openapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.twoway.api.openapi.CommonDocs.AuditEntry;
import io.swagger.v3.oas.annotations.media.ArraySchema;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.List;
import java.util.Map;

/** API description: the bodies of {@code /admin/reconciliation}, {@code /admin/backfill} and {@code /admin/catchup}. Documentation models only. */
public final class ReconciliationDocs {

    private ReconciliationDocs() {}

    static final String KINDS = "field_mismatch, missing_remote, missing_local, broken_link, duplicate, unlinked";
    static final String ACTIONS = "update_remote, update_local, create_remote, recreate_remote, delete_remote, deactivate_local, "
            + "reactivate_local, import_local, link, delete_duplicate, resolve_conflict, manual, ignore";

    @Schema(name = "Report", description = "A reconciliation run: how far it got and what it found.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Report(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "12") long id,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"stripe", "salesforce"}, description = "The integration compared.") String system,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"running", "completed", "failed", "abandoned"}) String status,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"schedule", "manual", "gap"},
                    description = "gap: Salesforce's deleted-records window no longer reached back to the poller's cursor.") String trigger,
            @Schema(nullable = true, description = "The X-Actor of a manual run, scheduler for a scheduled one.") String requestedBy,
            @Schema(nullable = true, format = "date-time") String scheduledFor,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Whether repairs were applied as found.") boolean autoResolve,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Whether it only reported.") boolean dryRun,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"local", "stripe", "newest"}) String sourceOfTruth,
            @Schema(nullable = true, format = "date-time") String startedAt,
            @Schema(nullable = true, format = "date-time") String finishedAt,
            @Schema(nullable = true, format = "date-time", description = "The last sign of life of the instance running it.") String heartbeatAt,
            @Schema(nullable = true) RunProgress progress,
            @Schema(nullable = true) ReportCounts counts,
            @Schema(nullable = true, description = "Why it failed.") String error) {
    }

    @Schema(name = "RunProgress", description = "How far a run has got.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RunProgress(
            @Schema(allowableValues = {"listing_stripe", "listing_salesforce", "comparing_local", "checking_stripe_only", "checking_salesforce_only", "done"}) String phase,
            long processed,
            @Schema(nullable = true) Long total,
            @Schema(description = "Whether total is still an estimate.") boolean totalEstimated,
            @Schema(nullable = true, minimum = "0", maximum = "100") Double percent,
            double ratePerSecond,
            long elapsedSeconds,
            @Schema(description = "Stripe customers listed.") Long stripeListed,
            @Schema(description = "Local customers compared.") Long localCompared) {
    }

    @Schema(name = "ReportCounts", description = "Mismatches found, by kind and by status.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ReportCounts(
            @Schema(example = "{\"field_mismatch\": 3, \"missing_remote\": 1}") Map<String, Long> byKind,
            @Schema(example = "{\"open\": 3, \"resolved\": 1}") Map<String, Long> byStatus) {
    }

    @Schema(name = "ReportStarted", description = "A run just opened; it goes on in the background.", allOf = Report.class)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record ReportStarted(@Schema(requiredMode = RequiredMode.REQUIRED, description = "The same as id.", example = "12") long reportId) {
    }

    @Schema(name = "ReportDetail", description = "A report with a page of its mismatches.", allOf = Report.class)
    public record ReportDetail(@Schema(requiredMode = RequiredMode.REQUIRED) MismatchPage mismatches) {
    }

    @Schema(name = "Mismatch", description = "One difference between the local catalog and Stripe, and the repair proposed or made.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Mismatch(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "40") long id,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "12") long reportId,
            @Schema(nullable = true) Long customerId,
            @Schema(nullable = true, example = "cus_QX2v9yBn1mZk3L") String stripeCustomerId,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"field_mismatch", "missing_remote", "missing_local", "broken_link",
                    "duplicate", "unlinked"}) String kind,
            @Schema(nullable = true, description = "For field_mismatch: name, email or active.") String field,
            @Schema(nullable = true) String localValue,
            @Schema(nullable = true) String remoteValue,
            @Schema(nullable = true, description = "The repair: one of " + ACTIONS + ".") String action,
            @Schema(nullable = true, allowableValues = {"to_remote", "to_local", "none"}) String direction,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"open", "resolved", "conflict"}) String status,
            @Schema(nullable = true) String note,
            @Schema(nullable = true, description = "The conflict that holds it (status conflict): resolve that one.") Long conflictId,
            @Schema(nullable = true) String resolvedBy,
            @Schema(nullable = true, format = "date-time") String resolvedAt,
            @Schema(requiredMode = RequiredMode.REQUIRED, format = "date-time") String detectedAt,
            @Schema(description = "The audit trail; only in GET /admin/reconciliation/mismatches/{id}.") List<AuditEntry> audit) {
    }

    @Schema(name = "MismatchPage", description = "A page of a report's mismatches.")
    public record MismatchPage(
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "How many match the filters.") long total,
            @Schema(requiredMode = RequiredMode.REQUIRED) int skip,
            @Schema(requiredMode = RequiredMode.REQUIRED) int limit,
            @Schema(requiredMode = RequiredMode.REQUIRED) List<Mismatch> items) {
    }

    @Schema(name = "ReportPage", description = "A page of reports, newest first.")
    public record ReportPage(
            @Schema(requiredMode = RequiredMode.REQUIRED) long total,
            @Schema(requiredMode = RequiredMode.REQUIRED) int skip,
            @Schema(requiredMode = RequiredMode.REQUIRED) int limit,
            @Schema(requiredMode = RequiredMode.REQUIRED) List<Report> items) {
    }

    @Schema(name = "ReportPageEnvelope", description = "Success envelope with a page of reports.")
    public record ReportPageEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED) ReportPage data) {
    }

    @Schema(name = "ReportDetailEnvelope", description = "Success envelope with a report and a page of its mismatches.")
    public record ReportDetailEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED) ReportDetail data) {
    }

    @Schema(name = "ReportStartedEnvelope", description = "Success envelope of a started run.")
    public record ReportStartedEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "Reconciliation 12 started") String message,
            @Schema(requiredMode = RequiredMode.REQUIRED) ReportStarted data) {
    }

    @Schema(name = "MismatchEnvelope", description = "Success envelope with one mismatch.")
    public record MismatchEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(description = "What was done; absent on a read.", example = "Mismatch 40 resolved (update_remote)") String message,
            @Schema(requiredMode = RequiredMode.REQUIRED) Mismatch data) {
    }

    @Schema(name = "MismatchResolution", description = "How to resolve one open mismatch. Any other field is refused (400).")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record MismatchResolution(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"to_remote", "to_local", "none"},
                    description = "Which side is made to agree: to_remote changes Stripe, to_local the catalog, none ignores it. A direction that "
                            + "does not apply to the mismatch's kind is refused (400).") String direction,
            @Schema(description = "Optional check: the repair the direction must mean for this mismatch (400 if it means another), one of "
                    + ACTIONS + ".", example = "update_remote") String resolutionAction) {
    }

    @Schema(name = "MismatchBulkResolution", description = "One direction for many open mismatches; each is resolved on its own.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record MismatchBulkResolution(
            @ArraySchema(arraySchema = @Schema(requiredMode = RequiredMode.REQUIRED, description = "Mismatch ids; duplicates are dropped."),
                    schema = @Schema(minimum = "1"), minItems = 1, maxItems = 1000) List<Long> ids,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"to_remote", "to_local", "none"}) String direction,
            @Schema(description = "Optional check, as for one mismatch.") String resolutionAction) {
    }

    @Schema(name = "Backfill", description = "The latest backfill: the import of every Stripe customer, page by page.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Backfill(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "3") long id,
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"running", "completed", "stopped", "failed"}) String status,
            @Schema(nullable = true) String requestedBy,
            @Schema(nullable = true, description = "The last Stripe customer imported: a stopped or failed run resumes after it.",
                    example = "cus_QX2v9yBn1mZk3L") String cursor,
            @Schema(nullable = true, description = "Customers by outcome: processed, created, already_linked, linked_by_metadata, "
                    + "linked_by_email, duplicates, email_conflicts, skipped_no_email.", example = "{\"processed\": 200, \"created\": 180, "
                    + "\"linked_by_email\": 20}") Map<String, Long> counts,
            @Schema(nullable = true) String error,
            @Schema(nullable = true, format = "date-time") String startedAt,
            @Schema(nullable = true, format = "date-time") String heartbeatAt,
            @Schema(nullable = true, format = "date-time") String finishedAt) {
    }

    @Schema(name = "BackfillEnvelope", description = "Success envelope with the latest backfill.")
    public record BackfillEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(description = "What was done; absent on a read.", example = "Backfill 3 started") String message,
            @Schema(requiredMode = RequiredMode.REQUIRED) Backfill data) {
    }

    @Schema(name = "CatchupStatus", description = "The event catch-up: its cursor in Stripe's event log and its last read.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record CatchupStatus(
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "EVENTS_CATCHUP_ENABLED.") boolean enabled,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "EVENTS_CATCHUP_INTERVAL.") long intervalSeconds,
            @Schema(requiredMode = RequiredMode.REQUIRED, nullable = true, format = "date-time", description = "Null until the first read.")
            String cursor,
            @Schema(nullable = true) String lastEventId,
            @Schema(nullable = true, format = "date-time") String lastRunAt,
            @Schema(nullable = true, description = "The last read.", example = "{\"from\": \"2026-11-26T10:00:00Z\", \"events_read\": 12, "
                    + "\"events_new\": 2, \"pages\": 1}") Object lastResult,
            @Schema(nullable = true) String lastError,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "The cursor fell behind Stripe's 30 days of events: run a full reconciliation.")
            boolean fullReconciliationRequired,
            @Schema(nullable = true, format = "date-time") String gapNoticedAt) {
    }

    @Schema(name = "CatchupEnvelope", description = "Success envelope with the catch-up's state.")
    public record CatchupEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(description = "What was done; absent on a read.", example = "Event catch-up read Stripe's event log: 2 new event(s) for the inbox")
            String message,
            @Schema(requiredMode = RequiredMode.REQUIRED) CatchupStatus data) {
    }
}
