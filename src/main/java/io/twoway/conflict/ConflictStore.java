package io.twoway.conflict;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Conflicts: SQL for the {@code conflicts} table and its audit trail ({@code conflict_audit}). */
@Repository
public class ConflictStore {

    private static final String COLUMNS = """
            id, type, customer_id, system, external_id, source_event_id, fields::text as fields, remote_object::text as remote_object,
            strategy, status, resolution, resolved_values::text as resolved_values, resolved_by, resolved_at, detected_at""";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    private final MeterRegistry meters;

    public ConflictStore(JdbcTemplate jdbc, ObjectMapper json, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.json = json;
        this.meters = meters;
    }

    /** A conflict as detected; {@code resolution} non-null means the strategy settled it at once (audited). */
    public record Detected(String type, Long customerId, String system, String externalId, String sourceEventId,
                           Map<String, Map<String, Object>> fields, Map<String, Object> remoteObject, String strategy,
                           String resolution, Map<String, Object> resolvedValues) {}

    public long record(Detected c) {
        boolean settled = c.resolution() != null;
        Long id = jdbc.queryForObject("""
                insert into conflicts (type, customer_id, system, external_id, source_event_id, fields, remote_object, strategy, status,
                                       resolution, resolved_values, resolved_by, resolved_at)
                values (?, ?, ?, ?, ?, ?::jsonb, ?::jsonb, ?, ?, ?, ?::jsonb, ?, case when ? then now() end)
                returning id
                """, Long.class, c.type(), c.customerId(), c.system(), c.externalId(), c.sourceEventId(), write(c.fields()),
                write(c.remoteObject()), c.strategy(), settled ? Conflict.AUTO_RESOLVED : Conflict.OPEN, c.resolution(),
                write(c.resolvedValues()), settled ? "auto:" + c.strategy() : null, settled);
        if (settled) {
            audit(id, c.resolution(), "auto:" + c.strategy(), c.resolvedValues());
        }
        meters.counter("twoway.conflicts.detected", "type", c.type(), "strategy", c.strategy(),
                "status", settled ? Conflict.AUTO_RESOLVED : Conflict.OPEN).increment();
        return id;
    }

    public Optional<Conflict> find(long id) {
        return jdbc.query("select " + COLUMNS + " from conflicts where id = ?", this::map, id).stream().findFirst();
    }

    /** Locks the conflict for the rest of the transaction, so two admins cannot resolve it twice. */
    public Optional<Conflict> lock(long id) {
        return jdbc.query("select " + COLUMNS + " from conflicts where id = ? for update", this::map, id).stream().findFirst();
    }

    public List<Conflict> list(String status, String type, int skip, int limit) {
        return jdbc.query("select " + COLUMNS + " from conflicts where (?::text is null or status = ?) and (?::text is null or type = ?)"
                + " order by id desc limit ? offset ?", this::map, status, status, type, type, limit, skip);
    }

    public long count(String status, String type) {
        Long n = jdbc.queryForObject("select count(*) from conflicts where (?::text is null or status = ?) and (?::text is null or type = ?)",
                Long.class, status, status, type, type);
        return n == null ? 0 : n;
    }

    public void resolve(long id, String resolution, Map<String, Object> values, String actor) {
        jdbc.update("""
                update conflicts set status = ?, resolution = ?, resolved_values = ?::jsonb, resolved_by = ?, resolved_at = now() where id = ?
                """, Conflict.RESOLVED, resolution, write(values), actor, id);
        audit(id, resolution, actor, values);
        meters.counter("twoway.conflicts.resolved", "resolution", resolution).increment();
    }

    public List<Map<String, Object>> auditTrail(long id) {
        return jdbc.query("select id, action, actor, detail::text as detail, at from conflict_audit where conflict_id = ? order by id", (rs, n) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", rs.getLong("id"));
            row.put("action", rs.getString("action"));
            row.put("actor", rs.getString("actor"));
            row.put("detail", read(rs.getString("detail")));
            row.put("at", rs.getObject("at", OffsetDateTime.class).toString());
            return row;
        }, id);
    }

    /** Counts by status, type and strategy, the automatic and manual resolution rates, and the count per day (30 days). */
    public Map<String, Object> stats() {
        Map<String, Object> stats = new LinkedHashMap<>();
        long total = count(null, null);
        stats.put("total", total);
        stats.put("by_status", countsBy("status"));
        stats.put("by_type", countsBy("type"));
        stats.put("by_strategy", countsBy("strategy"));
        long auto = count(Conflict.AUTO_RESOLVED, null);
        long manual = count(Conflict.RESOLVED, null);
        stats.put("auto_resolution_rate", total == 0 ? 0.0 : (double) auto / total);
        stats.put("manual_resolution_rate", total == 0 ? 0.0 : (double) manual / total);
        stats.put("per_day", jdbc.query("""
                select to_char(date_trunc('day', detected_at at time zone 'UTC'), 'YYYY-MM-DD') as day, count(*) as n
                from conflicts where detected_at >= now() - interval '30 days' group by 1 order by 1
                """, (rs, n) -> Map.of("day", rs.getString("day"), "count", rs.getLong("n"))));
        return stats;
    }

    private Map<String, Long> countsBy(String column) {
        Map<String, Long> counts = new LinkedHashMap<>();
        // column is one of three fixed names, never user input
        jdbc.query("select " + column + ", count(*) from conflicts group by 1 order by 1", rs -> {
            counts.put(rs.getString(1), rs.getLong(2));
        });
        return counts;
    }

    private void audit(long conflictId, String action, String actor, Map<String, Object> detail) {
        jdbc.update("insert into conflict_audit (conflict_id, action, actor, detail) values (?, ?, ?, ?::jsonb)", conflictId, action, actor, write(detail));
    }

    private Conflict map(ResultSet rs, int row) throws SQLException {
        return new Conflict(rs.getLong("id"), rs.getString("type"), (Long) rs.getObject("customer_id"), rs.getString("system"),
                rs.getString("external_id"), rs.getString("source_event_id"), read(rs.getString("fields")), read(rs.getString("remote_object")),
                rs.getString("strategy"), rs.getString("status"), rs.getString("resolution"), read(rs.getString("resolved_values")),
                rs.getString("resolved_by"), rs.getObject("resolved_at", OffsetDateTime.class), rs.getObject("detected_at", OffsetDateTime.class));
    }

    private String write(Object value) {
        try {
            return value == null ? null : json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private <T> T read(String text) {
        try {
            return text == null ? null : json.readValue(text, new TypeReference<T>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
