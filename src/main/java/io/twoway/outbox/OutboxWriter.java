package io.twoway.outbox;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Outward sync: appends an outbox event in the caller's transaction, so the change and its event commit together. */
@Component
public class OutboxWriter {

    private final JdbcTemplate jdbc;
    private final ObjectMapper json;

    public OutboxWriter(JdbcTemplate jdbc, ObjectMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Writes the event and returns its id; the payload is the aggregate snapshot plus the correlation id. */
    @Transactional(propagation = Propagation.MANDATORY)
    public UUID append(String aggregateType, String aggregateId, String eventType, Map<String, Object> snapshot, String correlationId) {
        UUID id = UUID.randomUUID();
        Map<String, Object> payload = new LinkedHashMap<>(snapshot);
        payload.put("correlation_id", correlationId);
        try {
            jdbc.update("insert into outbox_events (id, aggregate_type, aggregate_id, event_type, payload, correlation_id) values (?, ?, ?, ?, ?::jsonb, ?)",
                    id, aggregateType, aggregateId, eventType, json.writeValueAsString(payload), correlationId);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise outbox payload", e);
        }
        return id;
    }
}
