package io.twoway.stripe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Outward sync: the dead letters kept in PostgreSQL ({@code dead_letters}, with their audit trail) beside the DLQ
 * topic. {@link #record} is the last step of {@code stripe-sync-dead-letter}: the original message with its error and
 * source headers, once per event id.
 */
@Repository("deadLetterStore")
public class DeadLetterStore {

    public static final String OPEN = "open";
    public static final String REPLAYED = "replayed";
    public static final String DISCARDED = "discarded";
    private static final Logger LOG = LoggerFactory.getLogger(DeadLetterStore.class);
    private static final String SUMMARY = """
            id, consumer, event_id, event_type, customer_id, error_class, error_message, error_code, http_status, attempts, source_topic,
            source_partition, source_offset, status, replay_version, resolved_by, resolved_at, created_at""";

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public DeadLetterStore(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /**
     * Keeps the dead-lettered message (the exchange holds the original message and the error headers); header
     * {@code twoway_consumer} names the integration's consumer (the Stripe one when absent).
     */
    public void record(Exchange exchange) {
        Message m = exchange.getMessage();
        Map<String, Object> headers = new LinkedHashMap<>();
        m.getHeaders().forEach((name, value) -> {
            if (name.startsWith("twoway_") || name.equals("eventId") || name.equals("eventType") || name.equals("correlationId")) {
                headers.put(name, value == null ? null : String.valueOf(value));
            }
        });
        String eventId = m.getHeader("eventId", String.class);
        int stored = jdbc.update("""
                insert into dead_letters (consumer, event_id, event_type, customer_id, payload, headers, error_class, error_message, error_code,
                    http_status, attempts, source_topic, source_partition, source_offset)
                values (?, ?, ?, ?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?, ?) on conflict (consumer, event_id) do nothing
                """, m.getHeader("twoway_consumer", SyncLedger.CONSUMER, String.class), eventId == null ? "unknown-" + m.getHeader("kafka.OFFSET") : eventId, m.getHeader("eventType", String.class),
                number(m.getHeader("kafka.KEY")), m.getBody(String.class), write(headers), m.getHeader("twoway_error_class", String.class),
                m.getHeader("twoway_error_message", String.class), m.getHeader("twoway_error_code", String.class),
                number(m.getHeader("twoway_error_http_status")), number(m.getHeader("twoway_error_attempts")),
                m.getHeader("twoway_source_topic", String.class), number(m.getHeader("twoway_source_partition")),
                number(m.getHeader("twoway_source_offset")));
        if (stored == 0) {
            LOG.info("Dead letter {} was already kept", eventId);
        }
    }

    public List<Map<String, Object>> list(String status, String errorClass, int skip, int limit) {
        return jdbc.query("select " + SUMMARY + " from dead_letters where (?::text is null or status = ?) and (?::text is null or error_class = ?)"
                + " order by id desc limit ? offset ?", this::summary, status, status, errorClass, errorClass, limit, skip);
    }

    public long count(String status, String errorClass) {
        Long n = jdbc.queryForObject("select count(*) from dead_letters where (?::text is null or status = ?) and (?::text is null or error_class = ?)",
                Long.class, status, status, errorClass, errorClass);
        return n == null ? 0 : n;
    }

    /** The open dead letters with this error class, oldest first, up to {@code limit}. */
    public List<Long> openIds(String errorClass, int limit) {
        return jdbc.queryForList("select id from dead_letters where status = 'open' and error_class = ? order by id limit ?", Long.class, errorClass, limit);
    }

    /** One dead letter with its payload, headers and audit trail. */
    public Optional<Map<String, Object>> find(long id) {
        return jdbc.query("select " + SUMMARY + ", payload, headers::text as headers from dead_letters where id = ?", (rs, n) -> {
            Map<String, Object> row = summary(rs, n);
            row.put("payload", rs.getString("payload"));
            row.put("headers", read(rs.getString("headers")));
            row.put("audit", audit(id));
            return row;
        }, id).stream().findFirst();
    }

    /** Locks the dead letter for the rest of the transaction: its id, customer and status. */
    public Optional<Map<String, Object>> lock(long id) {
        return jdbc.query("select id, customer_id, status from dead_letters where id = ? for update", (rs, n) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", rs.getLong("id"));
            row.put("customer_id", rs.getObject("customer_id"));
            row.put("status", rs.getString("status"));
            return row;
        }, id).stream().findFirst();
    }

    public void settle(long id, String status, Long replayVersion, String actor, Map<String, Object> detail) {
        jdbc.update("update dead_letters set status = ?, replay_version = ?, resolved_by = ?, resolved_at = now() where id = ?",
                status, replayVersion, actor, id);
        jdbc.update("insert into dead_letter_audit (dead_letter_id, action, actor, detail) values (?, ?, ?, ?::jsonb)",
                id, status.equals(REPLAYED) ? "replay" : "discard", actor, write(detail));
    }

    private List<Map<String, Object>> audit(long id) {
        return jdbc.query("select action, actor, detail::text as detail, at from dead_letter_audit where dead_letter_id = ? order by id", (rs, n) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("action", rs.getString("action"));
            row.put("actor", rs.getString("actor"));
            row.put("detail", read(rs.getString("detail")));
            row.put("at", rs.getObject("at", OffsetDateTime.class).toString());
            return row;
        }, id);
    }

    private Map<String, Object> summary(ResultSet rs, int n) throws SQLException {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String column : List.of("id", "consumer", "event_id", "event_type", "customer_id", "error_class", "error_message", "error_code",
                "http_status", "attempts", "source_topic", "source_partition", "source_offset", "status", "replay_version", "resolved_by")) {
            row.put(column, rs.getObject(column));
        }
        for (String column : List.of("resolved_at", "created_at")) {
            OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
            row.put(column, t == null ? null : t.toString());
        }
        return row;
    }

    private static Long number(Object value) {
        try {
            return value == null ? null : Long.parseLong(String.valueOf(value).trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private String write(Object value) {
        try {
            return value == null ? null : json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Map<String, Object> read(String text) {
        try {
            return text == null ? null : json.readValue(text, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
