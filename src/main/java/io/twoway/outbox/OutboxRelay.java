package io.twoway.outbox;

import io.twoway.config.CrashPoints;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.twoway.config.TwowayProperties;
import java.sql.Array;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.support.DefaultMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Outward sync: the database side of the {@code outbox-relay} route. It runs inside the route's transaction: the
 * advisory lock makes one relay active across instances, and the claim, the Kafka sends and the mark commit or roll
 * back together.
 */
@Component("outboxRelay")
public class OutboxRelay {

    /** Key of the PostgreSQL advisory lock that elects the active relay ("twoway-outbox-relay"). */
    static final long RELAY_LOCK = 0x74776F776179L;
    static final String CLAIMED_IDS = "twowayOutboxIds";
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);

    private final JdbcTemplate jdbc;
    private final Counter relayed;
    private final int batchSize;
    private final long retentionHours;

    public OutboxRelay(JdbcTemplate jdbc, TwowayProperties properties, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.relayed = meters.counter("twoway.outbox.relayed");
        this.batchSize = properties.outbox().batchSize();
        this.retentionHours = properties.outbox().retentionHours();
    }

    /** Claims the next batch as Kafka messages (key = customer id); empty when another instance holds the relay. */
    public List<Message> claim(Exchange exchange) {
        List<Message> batch = new ArrayList<>();
        List<UUID> ids = new ArrayList<>();
        if (Boolean.TRUE.equals(jdbc.queryForObject("select pg_try_advisory_xact_lock(?)", Boolean.class, RELAY_LOCK))) {
            jdbc.query("""
                    select id, aggregate_type, aggregate_id, event_type, payload::text as payload, correlation_id
                    from outbox_events where published_at is null order by seq limit ? for update skip locked
                    """, rs -> {
                UUID id = rs.getObject("id", UUID.class);
                Message message = new DefaultMessage(exchange.getContext());
                message.setBody(rs.getString("payload"));
                message.setHeader(KafkaConstants.KEY, rs.getString("aggregate_id"));
                message.setHeader("eventId", id.toString());
                message.setHeader("eventType", rs.getString("event_type"));
                message.setHeader("aggregateType", rs.getString("aggregate_type"));
                message.setHeader("aggregateId", rs.getString("aggregate_id"));
                String correlationId = rs.getString("correlation_id");
                if (correlationId != null) {
                    message.setHeader("correlationId", correlationId);
                }
                batch.add(message);
                ids.add(id);
            }, batchSize);
        }
        if (!batch.isEmpty()) {
            CrashPoints.pass(CrashPoints.Point.RELAY_BEFORE_KAFKA_SEND);
        }
        exchange.setProperty(CLAIMED_IDS, ids);
        // tells the greedy scheduler whether to run again at once
        exchange.setProperty(Exchange.SCHEDULER_POLLED_MESSAGES, !batch.isEmpty());
        return batch;
    }

    /** Marks the claimed batch published; runs after Kafka acknowledged every message of it. */
    public void markPublished(Exchange exchange) {
        CrashPoints.pass(CrashPoints.Point.RELAY_AFTER_KAFKA_ACK);
        @SuppressWarnings("unchecked")
        List<UUID> ids = exchange.getProperty(CLAIMED_IDS, List.class);
        jdbc.execute((java.sql.Connection connection) -> {
            Array array = connection.createArrayOf("uuid", ids.toArray());
            try (var statement = connection.prepareStatement("update outbox_events set published_at = now() where id = any(?)")) {
                statement.setArray(1, array);
                return statement.executeUpdate();
            }
        });
        relayed.increment(ids.size());
        LOG.debug("Relayed {} outbox events", ids.size());
    }

    /** Deletes published events older than the retention, a bounded chunk at a time. */
    public int prune() {
        int total = 0;
        int deleted;
        do {
            deleted = jdbc.update("""
                    delete from outbox_events where id in (
                        select id from outbox_events where published_at < now() - make_interval(hours => ?) limit 10000)
                    """, (int) retentionHours);
            total += deleted;
        } while (deleted > 0);
        if (total > 0) {
            LOG.info("Pruned {} published outbox events older than {} h", total, retentionHours);
        }
        return total;
    }
}
