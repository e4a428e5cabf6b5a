package io.twoway.conflict;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Conflicts: one recorded conflict. {@code fields} holds, per field, the local, remote and base (last agreed) values;
 * {@code remoteObject} the remote customer when it has no local row (an email collision on an inward create).
 */
public record Conflict(long id, String type, Long customerId, String system, String externalId, String sourceEventId,
                       Map<String, Map<String, Object>> fields, Map<String, Object> remoteObject, String strategy, String status,
                       String resolution, Map<String, Object> resolvedValues, String resolvedBy, OffsetDateTime resolvedAt,
                       OffsetDateTime detectedAt) {

    public static final String OPEN = "open";
    public static final String AUTO_RESOLVED = "auto_resolved";
    public static final String RESOLVED = "resolved";

    /** The value one side holds for a field ("local", "remote" or "base"). */
    public String value(String field, String side) {
        Map<String, Object> values = fields.get(field);
        Object value = values == null ? null : values.get(side);
        return value == null ? null : value.toString();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("type", type);
        json.put("customer_id", customerId);
        json.put("system", system);
        json.put("external_id", externalId);
        json.put("source_event_id", sourceEventId);
        json.put("fields", fields);
        json.put("remote_object", remoteObject);
        json.put("strategy", strategy);
        json.put("status", status);
        json.put("resolution", resolution);
        json.put("resolved_values", resolvedValues);
        json.put("resolved_by", resolvedBy);
        json.put("resolved_at", resolvedAt == null ? null : resolvedAt.toString());
        json.put("detected_at", detectedAt.toString());
        return json;
    }

    /** Per-field values for the {@code fields} column. */
    public static Map<String, Object> sides(String local, String remote, String base) {
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("local", local);
        values.put("remote", remote);
        values.put("base", base);
        return values;
    }
}
