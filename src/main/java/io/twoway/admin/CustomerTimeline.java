package io.twoway.admin;

import io.twoway.salesforce.SalesforceOutbound;
import io.twoway.api.ApiException;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Lineage: the story of one customer, oldest first, from what the service keeps: each change with its origin and
 * correlation id (the outbox, kept {@code OUTBOX_RETENTION_HOURS}), its relay to Kafka, what the Stripe consumer
 * made of it (the event ledger: the partition and offset it read it at, the idempotency key, the outcome), dead letters and their replays, the Stripe events
 * that came back (the inbox), conflicts, and reconciliation verdicts. Each source gives its newest 500 entries.
 */
@Component
public class CustomerTimeline {

    private static final int PER_SOURCE = 500;

    private final JdbcTemplate jdbc;

    public CustomerTimeline(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /** Customers whose id or Stripe id is {@code q}, or whose email starts with it (case-insensitive); newest first. */
    public List<Map<String, Object>> search(String q, int limit) {
        Long id = q.matches("[1-9][0-9]{0,17}") ? Long.valueOf(q) : null;
        String prefix = q.toLowerCase(Locale.ROOT).replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%";
        return jdbc.query("""
                select id, name, email, stripe_customer_id, is_active, version, origin from customers
                where id = ? or stripe_customer_id = ? or lower(email) like ? order by id desc limit ?
                """, (rs, n) -> row(rs, "id", "name", "email", "stripe_customer_id", "is_active", "version", "origin"), id, q, prefix, limit);
    }

    public Map<String, Object> of(long customerId) {
        Map<String, Object> customer = jdbc.query("select id, name, email, stripe_customer_id, is_active, version, origin from customers where id = ?",
                (rs, n) -> row(rs, "id", "name", "email", "stripe_customer_id", "is_active", "version", "origin"), customerId)
                .stream().findFirst().orElseThrow(() -> ApiException.notFound("Customer " + customerId + " not found"));
        List<Map<String, Object>> entries = new ArrayList<>();
        jdbc.query("""
                select id::text as event_id, event_type, payload->>'origin' as origin, array(select jsonb_array_elements_text(coalesce(payload->'changed', '[]'::jsonb))) as changed, (payload->>'version')::bigint as version,
                       correlation_id, created_at, published_at
                from outbox_events where aggregate_id = ? order by seq desc limit ?
                """, rs -> {
            entries.add(entry(rs.getObject("created_at", OffsetDateTime.class), "change",
                    rs.getString("event_type") + " v" + rs.getLong("version") + " from " + rs.getString("origin"),
                    row(rs, "event_id", "event_type", "version", "origin", "changed", "correlation_id")));
            OffsetDateTime published = rs.getObject("published_at", OffsetDateTime.class);
            if (published != null) {
                entries.add(entry(published, "kafka", "relayed to Kafka", row(rs, "event_id")));
            }
        }, String.valueOf(customerId), PER_SOURCE);
        jdbc.query("""
                select consumer, event_id, event_id as idempotency_key, kafka_partition, kafka_offset, outcome, processed_at from processed_events
                where customer_id = ? order by processed_at desc limit ?
                """, rs -> {
            String kind = SalesforceOutbound.CONSUMER.equals(rs.getString("consumer")) ? "salesforce_call" : "stripe_call";
            entries.add(entry(rs.getObject("processed_at", OffsetDateTime.class), kind, rs.getString("outcome"),
                    row(rs, "event_id", "idempotency_key", "kafka_partition", "kafka_offset")));
        }, customerId, PER_SOURCE);
        jdbc.query("""
                select id, event_id, error_class, error_message, http_status, status, created_at from dead_letters where customer_id = ?
                order by id desc limit ?
                """, rs -> {
            entries.add(entry(rs.getObject("created_at", OffsetDateTime.class), "dead_letter",
                    "dead-lettered: " + rs.getString("error_message"), row(rs, "id", "event_id", "error_class", "http_status", "status")));
        }, customerId, PER_SOURCE);
        jdbc.query("""
                select a.dead_letter_id, a.action, a.actor, a.at from dead_letter_audit a join dead_letters d on d.id = a.dead_letter_id
                where d.customer_id = ? order by a.id desc limit ?
                """, rs -> {
            entries.add(entry(rs.getObject("at", OffsetDateTime.class), "dead_letter_" + rs.getString("action"),
                    "dead letter " + rs.getLong("dead_letter_id") + ": " + rs.getString("action") + " by " + rs.getString("actor"),
                    row(rs, "dead_letter_id", "action", "actor")));
        }, customerId, PER_SOURCE);
        jdbc.query("""
                select id, source, type, created, status, outcome, received_at from webhook_events
                where object_id in (select stripe_customer_id from customers where id = ? union select external_id from sync_state where customer_id = ?)
                order by received_at desc limit ?
                """, rs -> {
            entries.add(entry(rs.getObject("received_at", OffsetDateTime.class), rs.getString("source") + "_event",
                    rs.getString("type") + ": " + rs.getString("status") + (rs.getString("outcome") == null ? "" : " (" + rs.getString("outcome") + ")"),
                    row(rs, "id", "type", "created", "status")));
        }, customerId, customerId, PER_SOURCE);
        jdbc.query("select id, type, status, resolution, detected_at from conflicts where customer_id = ? order by id desc limit ?", rs -> {
            entries.add(entry(rs.getObject("detected_at", OffsetDateTime.class), "conflict",
                    rs.getString("type") + " conflict " + rs.getLong("id") + ": " + rs.getString("status"), row(rs, "id", "type", "status", "resolution")));
        }, customerId, PER_SOURCE);
        jdbc.query("""
                select id, report_id, kind, field, action, direction, status, detected_at from reconciliation_mismatches where customer_id = ?
                order by id desc limit ?
                """, rs -> {
            entries.add(entry(rs.getObject("detected_at", OffsetDateTime.class), "reconciliation",
                    rs.getString("kind") + (rs.getString("field") == null ? "" : " " + rs.getString("field")) + ": " + rs.getString("action")
                            + " (" + rs.getString("status") + ")", row(rs, "id", "report_id", "kind", "field", "action", "direction", "status")));
        }, customerId, PER_SOURCE);
        entries.sort(Comparator.comparing(e -> (String) e.get("at")));
        Map<String, Object> timeline = new LinkedHashMap<>();
        timeline.put("customer", customer);
        timeline.put("entries", entries);
        return timeline;
    }

    private static Map<String, Object> entry(OffsetDateTime at, String kind, String summary, Map<String, Object> details) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("at", at.toInstant().toString());
        e.put("kind", kind);
        e.put("summary", summary);
        e.put("details", details);
        return e;
    }

    private static Map<String, Object> row(ResultSet rs, String... columns) throws SQLException {
        Map<String, Object> row = new LinkedHashMap<>();
        for (String column : columns) {
            Object value = rs.getObject(column);
            row.put(column, value instanceof Array array ? List.of((Object[]) array.getArray()) : value);
        }
        return row;
    }
}
