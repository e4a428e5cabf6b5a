package io.twoway.reconcile;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reconciliation: one difference between the local catalog and Stripe that a run found, with the repair it proposed
 * or made ({@code action}, towards {@code direction}) and where that stands ({@code status}).
 */
public record Mismatch(long id, long reportId, Long customerId, String stripeCustomerId, String kind, String field,
                       String localValue, String remoteValue, Long localVersion, String action, String direction, String status,
                       String note, Long conflictId, String resolvedBy, OffsetDateTime resolvedAt, OffsetDateTime detectedAt) {

    public static final String FIELD_MISMATCH = "field_mismatch";
    public static final String MISSING_REMOTE = "missing_remote";
    public static final String MISSING_LOCAL = "missing_local";
    public static final String BROKEN_LINK = "broken_link";
    public static final String DUPLICATE = "duplicate";
    public static final String UNLINKED = "unlinked";
    public static final List<String> KINDS = List.of(FIELD_MISMATCH, MISSING_REMOTE, MISSING_LOCAL, BROKEN_LINK, DUPLICATE, UNLINKED);

    /** The field of a {@code field_mismatch} besides name and email: whether the customer is live on each side. */
    public static final String ACTIVE = "active";

    public static final String TO_REMOTE = "to_remote";
    public static final String TO_LOCAL = "to_local";
    public static final String NONE = "none";
    public static final List<String> DIRECTIONS = List.of(TO_REMOTE, TO_LOCAL, NONE);

    public static final String OPEN = "open";
    public static final String RESOLVED = "resolved";
    public static final String CONFLICT = "conflict";
    public static final List<String> STATUSES = List.of(OPEN, RESOLVED, CONFLICT);

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("report_id", reportId);
        json.put("customer_id", customerId);
        json.put("stripe_customer_id", stripeCustomerId);
        json.put("kind", kind);
        json.put("field", field);
        json.put("local_value", localValue);
        json.put("remote_value", remoteValue);
        json.put("action", action);
        json.put("direction", direction);
        json.put("status", status);
        json.put("note", note);
        json.put("conflict_id", conflictId);
        json.put("resolved_by", resolvedBy);
        json.put("resolved_at", resolvedAt == null ? null : resolvedAt.toString());
        json.put("detected_at", detectedAt.toString());
        return json;
    }
}
