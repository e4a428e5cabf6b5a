package io.twoway.inbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.twoway.config.TwowayProperties;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Inward sync: SQL for the {@code webhook_events} inbox: store once per event id, claim, finish, park, sweep. */
@Repository
public class WebhookInbox {

    private static final String SUMMARY = "id, source, type, created, object_id, status, outcome, error, attempts, received_at, processed_at";

    private final JdbcTemplate jdbc;
    private final JdbcTemplate receiveJdbc;
    private final ObjectMapper json;

    public WebhookInbox(JdbcTemplate jdbc, DataSource dataSource, ObjectMapper json, TwowayProperties properties) {
        this.jdbc = jdbc;
        this.json = json;
        // the insert that precedes the webhook's answer must end well within the sender's timeout
        this.receiveJdbc = new JdbcTemplate(dataSource);
        this.receiveJdbc.setQueryTimeout(Math.max(1, properties.webhook().timeoutSeconds() / 2));
    }

    /** Stores the event unless its id is already stored; true when it is new. */
    public boolean store(String id, String source, String type, long created, String objectId, String payload, String status) {
        return receiveJdbc.update("""
                insert into webhook_events (id, source, type, created, object_id, payload, status)
                values (?, ?, ?, ?, ?, ?::jsonb, ?) on conflict (id) do nothing
                """, id, source, type, created, objectId, payload, status) == 1;
    }

    /**
     * Stores each event of a batch unless its id is already stored (one round trip); {@code pending} says which types
     * are applied, the others are stored as ignored. Returns the ids of the new pending events.
     */
    public List<String> storeAll(String source, List<JsonNode> events, Predicate<String> pending) {
        List<Object[]> rows = new ArrayList<>();
        for (JsonNode event : events) {
            String type = event.path("type").asText();
            JsonNode objectId = event.path("data").path("object").path("id");
            rows.add(new Object[] {event.path("id").asText(), source, type, event.path("created").asLong(),
                    objectId.isTextual() ? objectId.asText() : null, storable(json, event, null), pending.test(type) ? Outcome.PENDING : Outcome.IGNORED});
        }
        int[] stored = jdbc.batchUpdate("""
                insert into webhook_events (id, source, type, created, object_id, payload, status)
                values (?, ?, ?, ?, ?, ?::jsonb, ?) on conflict (id) do nothing
                """, rows);
        List<String> fresh = new ArrayList<>();
        for (int i = 0; i < stored.length; i++) {
            if (stored[i] == 1 && Outcome.PENDING.equals(rows.get(i)[6])) {
                fresh.add((String) rows.get(i)[0]);
            }
        }
        return fresh;
    }

    /**
     * The payload as stored: the event's own text ({@code raw}, or the event written out), unless it holds NUL
     * characters, which PostgreSQL cannot store in text or jsonb: then the same JSON without them (a valid event must
     * never fail for its content).
     */
    static String storable(ObjectMapper json, JsonNode event, String raw) {
        try {
            String text = raw != null ? raw : json.writeValueAsString(event);
            return text.contains("\\u0000") ? json.writeValueAsString(withoutNul(event)) : text;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode withoutNul(JsonNode node) {
        if (node.isTextual()) {
            return TextNode.valueOf(node.asText().replace("\u0000", ""));
        }
        if (node.isObject()) {
            ObjectNode copy = ((ObjectNode) node).objectNode();
            node.fields().forEachRemaining(e -> copy.set(e.getKey().replace("\u0000", ""), withoutNul(e.getValue())));
            return copy;
        }
        if (node.isArray()) {
            ArrayNode copy = ((ArrayNode) node).arrayNode();
            node.forEach(item -> copy.add(withoutNul(item)));
            return copy;
        }
        return node;
    }

    /** Locks the event if it is still pending and no one else holds it. */
    public Optional<InboxEvent> claimPending(String id) {
        return jdbc.query("""
                select id, source, type, created, object_id, payload::text as payload, attempts
                from webhook_events where id = ? and status = 'pending' for update skip locked
                """, (rs, n) -> new InboxEvent(rs.getString("id"), rs.getString("source"), rs.getString("type"), rs.getLong("created"),
                rs.getString("object_id"), readTree(rs.getString("payload")), rs.getInt("attempts")), id).stream().findFirst();
    }

    /** Serialises the events of one object (one Stripe customer) across threads and instances, for this transaction. */
    public void lockObject(String source, String objectId) {
        jdbc.queryForObject("select pg_advisory_xact_lock(hashtextextended(?, 0))", Object.class, source + ":" + objectId);
    }

    public void finish(String id, Outcome outcome) {
        jdbc.update("update webhook_events set status = ?, outcome = ?, error = null, attempts = attempts + 1, processed_at = now() where id = ?",
                outcome.status(), outcome.detail(), id);
    }

    /** A poison event: set aside with its error, so it is visible and holds nothing back. */
    public void park(String id, String error) {
        jdbc.update("update webhook_events set status = 'parked', error = ?, attempts = attempts + 1, processed_at = now() where id = ? and status = 'pending'",
                error, id);
    }

    /** A transient failure: the event stays pending for the sweeper, with the error that held it up. */
    public void recordFailure(String id, String error) {
        jdbc.update("update webhook_events set error = ?, attempts = attempts + 1 where id = ? and status = 'pending'", error, id);
    }

    /** Pending events received more than {@code olderThanSeconds} ago, oldest first. */
    public List<String> duePending(long olderThanSeconds, int limit) {
        return jdbc.queryForList("""
                select id from webhook_events where status = 'pending' and received_at < now() - make_interval(secs => ?)
                order by received_at limit ?
                """, String.class, (double) olderThanSeconds, limit);
    }

    /**
     * Deletes settled events received more than {@code retentionHours} ago, a bounded chunk at a time. Pending and
     * parked events stay until they are settled; the retention must outlast Stripe's retries (3 days) for deduplication.
     */
    public int prune(long retentionHours) {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.update("""
                    delete from webhook_events where id in (
                        select id from webhook_events where status not in ('pending', 'parked')
                        and received_at < now() - make_interval(hours => ?) limit 10000)
                    """, (int) retentionHours);
            total += deleted;
        } while (deleted > 0);
        return total;
    }

    /** Puts a parked event back to pending; false when it is not parked. */
    public boolean retry(String id) {
        return jdbc.update("update webhook_events set status = 'pending', error = null where id = ? and status = 'parked'", id) == 1;
    }

    public List<Map<String, Object>> list(String status, String type, int skip, int limit) {
        return jdbc.query("select " + SUMMARY + " from webhook_events where (?::text is null or status = ?) and (?::text is null or type = ?)"
                + " order by received_at desc, id limit ? offset ?", this::summary, status, status, type, type, limit, skip);
    }

    public long count(String status, String type) {
        Long n = jdbc.queryForObject("select count(*) from webhook_events where (?::text is null or status = ?) and (?::text is null or type = ?)",
                Long.class, status, status, type, type);
        return n == null ? 0 : n;
    }

    public Optional<Map<String, Object>> find(String id) {
        return jdbc.query("select " + SUMMARY + ", payload::text as payload from webhook_events where id = ?", (rs, n) -> {
            Map<String, Object> row = summary(rs, n);
            row.put("payload", readTree(rs.getString("payload")));
            return row;
        }, id).stream().findFirst();
    }

    private Map<String, Object> summary(ResultSet rs, int n) throws SQLException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", rs.getString("id"));
        row.put("source", rs.getString("source"));
        row.put("type", rs.getString("type"));
        row.put("created", rs.getLong("created"));
        row.put("object_id", rs.getString("object_id"));
        row.put("status", rs.getString("status"));
        row.put("outcome", rs.getString("outcome"));
        row.put("error", rs.getString("error"));
        row.put("attempts", rs.getInt("attempts"));
        row.put("received_at", rs.getObject("received_at", OffsetDateTime.class).toString());
        OffsetDateTime processed = rs.getObject("processed_at", OffsetDateTime.class);
        row.put("processed_at", processed == null ? null : processed.toString());
        return row;
    }

    private JsonNode readTree(String text) {
        try {
            return json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored webhook payload is not JSON", e);
        }
    }
}
