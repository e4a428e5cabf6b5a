package io.twoway.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.dao.DataAccessException;

/** The fault suite's own machinery: Kafka and PostgreSQL come back from a stop with their data, and a child Twoway dies on kill. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultInfrastructureTest {

    private static final String TOKEN = "tw_fault_token_0123456789";
    private static FaultInfrastructure infra;

    @BeforeAll
    static void startInfrastructure() {
        long begin = System.nanoTime();
        infra = FaultInfrastructure.start();
        System.out.printf("fault infrastructure up in %d ms: %s%n", (System.nanoTime() - begin) / 1_000_000, infra.properties());
    }

    @AfterAll
    static void stopInfrastructure() {
        if (infra != null) {
            infra.close();
        }
    }

    @Test
    @Order(1)
    void kafkaComesBackWithItsDataOnTheSamePort() throws Exception {
        RestartableKafka kafka = infra.kafka;
        String topic = "fault_infra_check";
        Properties pp = new Properties();
        pp.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        pp.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pp.put(ProducerConfig.ACKS_CONFIG, "all");
        pp.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "2000");
        pp.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "1000");
        pp.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "2000");
        pp.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        pp.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(pp);
             KafkaConsumer<String, String> consumer = consumer("fault-infra-group")) {
            producer.send(new ProducerRecord<>(topic, "k", "before-stop")).get(15, TimeUnit.SECONDS);
            consumer.subscribe(List.of(topic));
            assertThat(values(pollUntil(consumer, 1, Duration.ofSeconds(20)))).containsExactly("before-stop");
            consumer.commitSync();

            long stopBegin = System.nanoTime();
            kafka.stop();
            System.out.printf("kafka stop took %d ms%n", (System.nanoTime() - stopBegin) / 1_000_000);
            assertThat(TwowayProcess.isListening(kafka.port())).as("the listener is closed").isFalse();
            long failBegin = System.nanoTime();
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(topic, "k", "during-outage")).get(10, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class);
            System.out.printf("a produce during the outage failed after %d ms%n", (System.nanoTime() - failBegin) / 1_000_000);

            long startBegin = System.nanoTime();
            kafka.start();
            System.out.printf("kafka start took %d ms%n", (System.nanoTime() - startBegin) / 1_000_000);
            assertThat(kafka.bootstrapServers()).isEqualTo("127.0.0.1:" + kafka.port());
            // the producer and the consumer of before the stop carry on by themselves
            producer.send(new ProducerRecord<>(topic, "k", "after-restart")).get(15, TimeUnit.SECONDS);
            assertThat(values(pollUntil(consumer, 1, Duration.ofSeconds(30))))
                    .as("the committed offset survived: only the new message").containsExactly("after-restart");
            consumer.commitSync();

            // and once more: a second incarnation in the same JVM
            long restartBegin = System.nanoTime();
            kafka.restart();
            System.out.printf("kafka restart took %d ms%n", (System.nanoTime() - restartBegin) / 1_000_000);
            producer.send(new ProducerRecord<>(topic, "k", "after-second-restart")).get(15, TimeUnit.SECONDS);
            assertThat(values(pollUntil(consumer, 1, Duration.ofSeconds(30)))).containsExactly("after-second-restart");
        }
        try (KafkaConsumer<String, String> fresh = consumer("fault-infra-fresh")) {
            fresh.subscribe(List.of(topic));
            assertThat(values(pollUntil(fresh, 3, Duration.ofSeconds(20)))).containsExactly("before-stop", "after-restart", "after-second-restart");
        }
    }

    @Test
    @Order(2)
    void postgresComesBackWithItsDataOnTheSamePort() {
        RestartablePostgres pg = infra.postgres;
        // its own schema: Flyway in the child Twoway wants an empty public schema
        infra.jdbc().execute("create schema fault_infra");
        infra.jdbc().execute("create table fault_infra.check_row (id int primary key, v text)");
        infra.jdbc().update("insert into fault_infra.check_row values (1, 'kept')");
        String url = pg.jdbcUrl();

        long stopBegin = System.nanoTime();
        pg.stop();
        System.out.printf("postgres stop took %d ms%n", (System.nanoTime() - stopBegin) / 1_000_000);
        assertThat(TwowayProcess.isListening(pg.port())).isFalse();
        long failBegin = System.nanoTime();
        assertThatThrownBy(() -> infra.count("select count(*) from fault_infra.check_row")).isInstanceOf(DataAccessException.class);
        System.out.printf("a query during the outage failed after %d ms%n", (System.nanoTime() - failBegin) / 1_000_000);

        long startBegin = System.nanoTime();
        pg.start();
        System.out.printf("postgres start took %d ms%n", (System.nanoTime() - startBegin) / 1_000_000);
        assertThat(pg.jdbcUrl()).isEqualTo(url);
        assertThat(infra.jdbc().queryForObject("select v from fault_infra.check_row where id = 1", String.class)).isEqualTo("kept");
        infra.jdbc().execute("drop schema fault_infra cascade");
    }

    @Test
    @Order(3)
    void twowayRunsInAChildJvmAndDiesOnKill() {
        int[] ports = TwowayProcess.freePorts(2);
        Map<String, String> properties = new LinkedHashMap<>(infra.properties());
        properties.put("twoway.api.tokens", TOKEN);
        properties.put("twoway.webhook.secret", "whsec_x");
        properties.put("spring.datasource.hikari.connection-timeout", "1000");
        try (TwowayProcess twoway = new TwowayProcess("infra-check", ports[0], ports[1], properties, Map.of())) {
            Duration took = twoway.start();
            System.out.printf("child Twoway ready in %d ms (pid %d, api %d, management %d)%n",
                    took.toMillis(), twoway.pid(), twoway.apiPort(), twoway.managementPort());
            assertThat(twoway.readinessStatus()).isEqualTo(200);
            assertThat(twoway.apiStatus("/customers", TOKEN)).isEqualTo(200);
            assertThat(twoway.apiStatus("/customers", null)).isEqualTo(401);

            long pid = twoway.pid();
            twoway.kill();
            assertThat(twoway.isAlive()).isFalse();
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(TwowayProcess.isListening(twoway.apiPort())).isFalse();
            assertThat(TwowayProcess.isListening(twoway.managementPort())).isFalse();
            assertThat(twoway.readinessStatus()).isEqualTo(-1);

            // the same object starts it again on the same ports (without the API warm-up, for this start only), then
            // stops it gracefully
            Duration again = twoway.start(Map.of("twoway.api.warmup-requests", "0"), Map.of());
            System.out.printf("child Twoway ready again in %d ms on the same ports (pid %d)%n", again.toMillis(), twoway.pid());
            assertThat(twoway.apiStatus("/customers", TOKEN)).isEqualTo(200);
            long stopBegin = System.nanoTime();
            int exit = twoway.stop();
            System.out.printf("graceful stop: exit code %d after %d ms%n", exit, (System.nanoTime() - stopBegin) / 1_000_000);
            assertThat(twoway.isAlive()).isFalse();
            assertThat(TwowayProcess.isListening(twoway.managementPort())).isFalse();
        }
        FaultSummary.print();
    }

    private static KafkaConsumer<String, String> consumer(String group) {
        Properties cp = new Properties();
        cp.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, infra.kafka.bootstrapServers());
        cp.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        cp.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        cp.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        cp.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "6000");
        cp.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
        cp.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        cp.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cp.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        return new KafkaConsumer<>(cp);
    }

    private static List<ConsumerRecord<String, String>> pollUntil(KafkaConsumer<String, String> consumer, int n, Duration timeout) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (records.size() < n && System.nanoTime() < deadline) {
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        }
        // anything more that is already there
        consumer.poll(Duration.ofMillis(300)).forEach(records::add);
        return records;
    }

    private static List<String> values(List<ConsumerRecord<String, String>> records) {
        return records.stream().map(ConsumerRecord::value).toList();
    }
}
