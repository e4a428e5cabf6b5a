package io.twoway.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Array;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import javax.sql.DataSource;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The reference relay: the outbox-relay route's algorithm in plain JDBC and a plain KafkaProducer with the route's
 * producer settings, one transaction per batch, idling at the poll interval when the outbox is empty.
 */
final class BaselineRelay implements AutoCloseable {

    private static final long RELAY_LOCK = 0x74776F776179L;

    private final DataSource dataSource;
    private final String topic;
    private final int batchSize;
    private final long pollIntervalMs;
    private final KafkaProducer<String, String> producer;
    private volatile boolean running;
    private volatile Throwable failure;
    private Thread thread;

    BaselineRelay(DataSource dataSource, String bootstrap, String topic, int batchSize, long pollIntervalMs) {
        this.dataSource = dataSource;
        this.topic = topic;
        this.batchSize = batchSize;
        this.pollIntervalMs = pollIntervalMs;
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        p.put(ProducerConfig.BATCH_SIZE_CONFIG, 262144);
        p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        this.producer = new KafkaProducer<>(p);
    }

    void start() {
        running = true;
        thread = new Thread(this::loop, "baseline-relay");
        thread.setDaemon(true);
        thread.start();
    }

    void stop() throws InterruptedException {
        running = false;
        if (thread != null) {
            thread.join(30_000);
        }
        if (failure != null) {
            throw new IllegalStateException("baseline relay failed", failure);
        }
    }

    private void loop() {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            while (running) {
                if (relayBatch(c) == 0) {
                    Thread.sleep(pollIntervalMs);
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
    }

    /** One batch in one transaction: lock, claim, send all, await all acks, mark published, commit. */
    int relayBatch(Connection c) throws Exception {
        try {
            try (PreparedStatement lock = c.prepareStatement("select pg_try_advisory_xact_lock(?)")) {
                lock.setLong(1, RELAY_LOCK);
                try (ResultSet rs = lock.executeQuery()) {
                    if (!rs.next() || !rs.getBoolean(1)) {
                        c.commit();
                        return 0;
                    }
                }
            }
            List<ProducerRecord<String, String>> records = new ArrayList<>(batchSize);
            List<UUID> ids = new ArrayList<>(batchSize);
            try (PreparedStatement claim = c.prepareStatement("""
                    select id, aggregate_type, aggregate_id, event_type, payload::text as payload, correlation_id
                    from outbox_events where published_at is null order by seq limit ? for update skip locked
                    """)) {
                claim.setInt(1, batchSize);
                try (ResultSet rs = claim.executeQuery()) {
                    while (rs.next()) {
                        UUID id = rs.getObject("id", UUID.class);
                        String aggregateId = rs.getString("aggregate_id");
                        ProducerRecord<String, String> record = new ProducerRecord<>(topic, aggregateId, rs.getString("payload"));
                        header(record, "eventId", id.toString());
                        header(record, "eventType", rs.getString("event_type"));
                        header(record, "aggregateType", rs.getString("aggregate_type"));
                        header(record, "aggregateId", aggregateId);
                        String correlationId = rs.getString("correlation_id");
                        if (correlationId != null) {
                            header(record, "correlationId", correlationId);
                        }
                        records.add(record);
                        ids.add(id);
                    }
                }
            }
            if (records.isEmpty()) {
                c.commit();
                return 0;
            }
            List<Future<RecordMetadata>> acks = new ArrayList<>(records.size());
            for (ProducerRecord<String, String> record : records) {
                acks.add(producer.send(record));
            }
            for (Future<RecordMetadata> ack : acks) {
                ack.get();
            }
            Array array = c.createArrayOf("uuid", ids.toArray());
            try (PreparedStatement mark = c.prepareStatement("update outbox_events set published_at = now() where id = any(?)")) {
                mark.setArray(1, array);
                mark.executeUpdate();
            }
            c.commit();
            return ids.size();
        } catch (Exception e) {
            rollbackQuietly(c);
            throw e;
        }
    }

    private static void header(ProducerRecord<String, String> record, String key, String value) {
        record.headers().add(key, value.getBytes(StandardCharsets.UTF_8));
    }

    private static void rollbackQuietly(Connection c) {
        try {
            c.rollback();
        } catch (SQLException ignored) {
            // the original failure is reported
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        producer.close();
    }
}
