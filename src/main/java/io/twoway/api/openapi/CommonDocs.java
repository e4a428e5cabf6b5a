package io.twoway.api.openapi;

import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.List;

/**
 * API description: the shapes every endpoint shares (the error envelope, bulk answers, audit entries, the service
 * info). Documentation models only: the REST DSL names them in {@code type}, {@code outType} and {@code responseModel},
 * and camel-openapi-java turns them into schemas; no code builds or reads them.
 */
public final class CommonDocs {

    private CommonDocs() {}

    @Schema(name = "ErrorEnvelope", description = "Every error answer (4xx and 5xx, the guard's own refusals too): nothing was changed.")
    public record ErrorEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "error", example = "error") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "What went wrong.", example = "Validation failed") String message,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Per-field problems; empty when the error concerns no field.")
            List<FieldError> errors,
            @Schema(description = "What the caller needs to act on the error, only on some: the id of the run in the way "
                    + "(running_report_id, running_backfill_id).") Object data) {
    }

    @Schema(name = "FieldError", description = "One problem with one field of the request (body field, query parameter or path id).")
    public record FieldError(
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "The field, query parameter or path parameter; merged.email for a nested one.",
                    example = "email") String field,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "must be a valid email address") String message) {
    }

    @Schema(name = "BulkResult", description = "A bulk request's answer: each id was handled on its own.")
    public record BulkResult(
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "How many ids were handled (status 200).") int resolved,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "How many were not.") int failed,
            @Schema(requiredMode = RequiredMode.REQUIRED) List<BulkItem> results) {
    }

    @Schema(name = "BulkItem", description = "What happened to one id of a bulk request.")
    public record BulkItem(
            @Schema(requiredMode = RequiredMode.REQUIRED) long id,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "200 when done; otherwise the status a single request would have got (400, 404, 409, 503).",
                    example = "200") int status,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "What was done, or why not.", example = "resolved") String message) {
    }

    @Schema(name = "BulkEnvelope", description = "Success envelope of a bulk request; message says how many of how many were done.")
    public record BulkEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "2 of 3 conflict(s) resolved") String message,
            @Schema(requiredMode = RequiredMode.REQUIRED) BulkResult data) {
    }

    @Schema(name = "AuditEntry", description = "One recorded action on a conflict, mismatch or dead letter.")
    public record AuditEntry(
            @Schema(description = "The entry's id (conflicts and mismatches).") Long id,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "resolve") String action,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "The X-Actor header of the request, else admin; or the system.",
                    example = "admin") String actor,
            @Schema(description = "What the action did.", nullable = true) Object detail,
            @Schema(requiredMode = RequiredMode.REQUIRED, format = "date-time") String at) {
    }

    @Schema(name = "ServiceInfo", description = "The service's name, version and state.")
    public record ServiceInfo(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "twoway") String service,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "0.1.0") String version,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "running") String status) {
    }

    @Schema(name = "ServiceInfoEnvelope")
    public record ServiceInfoEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED) ServiceInfo data) {
    }
}
