package io.twoway.bench;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Commit-to-Kafka latency: outbox rows are inserted one per transaction at a steady rate while a plain consumer on
 * the topic notes when each event arrives; latency = receive time - the time taken just before the row's commit.
 */
final class CommitLatencyProbe {

    record Result(int inserted, int received, int duplicates, double insertRate, Percentiles latency) {}

    private static final int INSERT_THREADS = 4;
    private static final String INSERT = """
            insert into outbox_events (id, aggregate_type, aggregate_id, event_type, payload, correlation_id)
            values (?, 'customer', ?, 'CustomerUpdated', ?::jsonb, ?)
            """;

    private final DataSource dataSource;
    private final String bootstrap;
    private final String topic;
    private final Map<String, Long> commitNanos = new ConcurrentHashMap<>();
    private final Map<String, Long> receiveNanos = new ConcurrentHashMap<>();
    private final AtomicInteger duplicates = new AtomicInteger();
    private volatile boolean consuming = true;

    CommitLatencyProbe(DataSource dataSource, String bootstrap, String topic) {
        this.dataSource = dataSource;
        this.bootstrap = bootstrap;
        this.topic = topic;
    }

    Result run(int rate, int seconds) throws Exception {
        KafkaConsumer<String, String> consumer = positionedConsumer();
        Thread consumerThread = new Thread(() -> consume(consumer), "latency-consumer");
        consumerThread.start();

        int total = rate * seconds;
        long intervalNanos = 1_000_000_000L / rate;
        long start = System.nanoTime() + 50_000_000L;
        AtomicInteger next = new AtomicInteger();
        List<Thread> inserters = new ArrayList<>();
        List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int t = 0; t < INSERT_THREADS; t++) {
            Thread inserter = new Thread(() -> {
                try {
                    insertSlots(next, total, start, intervalNanos);
                } catch (Throwable e) {
                    failures.add(e);
                }
            }, "latency-inserter-" + t);
            inserter.start();
            inserters.add(inserter);
        }
        for (Thread inserter : inserters) {
            inserter.join();
        }
        double insertRate = commitNanos.size() / ((System.nanoTime() - start) / 1e9);
        if (!failures.isEmpty()) {
            throw new IllegalStateException("inserting failed", failures.get(0));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (receiveNanos.size() < commitNanos.size() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        Thread.sleep(500); // catch late duplicates
        consuming = false;
        consumerThread.join();

        long[] latencies = receiveNanos.entrySet().stream()
                .filter(e -> commitNanos.containsKey(e.getKey()))
                .mapToLong(e -> e.getValue() - commitNanos.get(e.getKey())).toArray();
        return new Result(commitNanos.size(), receiveNanos.size(), duplicates.get(), insertRate, new Percentiles(latencies));
    }

    private void insertSlots(AtomicInteger next, int total, long start, long intervalNanos) throws Exception {
        try (Connection c = dataSource.getConnection(); PreparedStatement insert = c.prepareStatement(INSERT)) {
            c.setAutoCommit(false);
            for (int slot = next.getAndIncrement(); slot < total; slot = next.getAndIncrement()) {
                long due = start + slot * intervalNanos;
                for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                    LockSupport.parkNanos(wait);
                }
                String id = UUID.randomUUID().toString();
                int customer = 1 + slot % 10_000;
                insert.setObject(1, UUID.fromString(id));
                insert.setString(2, String.valueOf(customer));
                insert.setString(3, payload(customer, slot, id));
                insert.setString(4, id);
                insert.executeUpdate();
                commitNanos.put(id, System.nanoTime());
                c.commit();
            }
        }
    }

    /** A customer snapshot like CustomerService writes, carrying the wall-clock time just before the commit. */
    private static String payload(int customer, int version, String correlationId) {
        String now = Instant.now().toString();
        return "{\"id\":" + customer + ",\"name\":\"Customer " + customer + " Example Trading Company Ltd\","
                + "\"email\":\"customer." + customer + "@example-customers.com\",\"stripe_customer_id\":null,"
                + "\"is_active\":true,\"version\":" + version + ",\"created_at\":\"2025-01-15T09:30:00.123456Z\","
                + "\"updated_at\":\"" + now + "\",\"correlation_id\":\"" + correlationId + "\",\"bench_committed_at\":\"" + now + "\"}";
    }

    private KafkaConsumer<String, String> positionedConsumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        KafkaConsumer<String, String> consumer = new KafkaConsumer<>(p);
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position); // resolve now, before the first insert
        return consumer;
    }

    private void consume(KafkaConsumer<String, String> consumer) {
        try (consumer) {
            while (consuming) {
                ConsumerRecords<String, String> records = consumer.poll(Duration.ofMillis(50));
                long now = System.nanoTime();
                for (ConsumerRecord<String, String> record : records) {
                    Header header = record.headers().lastHeader("eventId");
                    if (header != null && receiveNanos.putIfAbsent(new String(header.value(), StandardCharsets.UTF_8), now) != null) {
                        duplicates.incrementAndGet();
                    }
                }
            }
        }
    }
}
