package io.twoway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.twoway.sandbox.RecordedRequest;
import io.twoway.testsupport.IntegrationTest;
import io.twoway.testsupport.TopicReader;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Outward sync end to end: REST → outbox → Kafka → Stripe sandbox, including every failure path of the consumer. */
class OutwardSyncTest extends IntegrationTest {

    private static final Duration SYNC = Duration.ofSeconds(30);

    @Autowired
    private CircuitBreaker stripeCircuitBreaker;

    private static String email() {
        return "s-" + UUID.randomUUID() + "@example.com";
    }

    private String localStripeId(long id) {
        return jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, id);
    }

    private void awaitSynced(long id) {
        await().atMost(SYNC).until(() -> localStripeId(id) != null);
    }

    @Test
    void createUpdateDeleteReachStripe() {
        String email = email();
        long id = http().createCustomer("Grace Hopper", email);
        awaitSynced(id);
        String stripeId = localStripeId(id);
        Map<String, Object> created = stripe.customer(stripeId).orElseThrow();
        assertThat(created).containsEntry("name", "Grace Hopper").containsEntry("email", email);
        assertThat(count("select count(*) from outbox_events where aggregate_id = ?", String.valueOf(id)))
                .as("the stripe id write-back writes no outbox event").isEqualTo(1);

        http().put("/customers/" + id, "{\"name\":\"Grace B. Hopper\"}");
        await().atMost(SYNC).until(() -> "Grace B. Hopper".equals(stripe.customer(stripeId).orElseThrow().get("name")));

        http().delete("/customers/" + id);
        await().atMost(SYNC).until(() -> Boolean.TRUE.equals(stripe.customer(stripeId).orElseThrow().get("deleted")));
        assertThat(stripeCustomersOf(id)).isEmpty();
    }

    @Test
    void rapidUpdatesEndAtTheLastOne() {
        long id = http().createCustomer("v0", email());
        for (int i = 1; i <= 20; i++) {
            assertThat(http().put("/customers/" + id, "{\"name\":\"v" + i + "\"}").status()).isEqualTo(200);
        }
        await().atMost(SYNC).until(() -> count("select coalesce(max(applied_version), 0) from sync_state where customer_id = ?", id) == 21);
        assertThat(stripeCustomersOf(id)).hasSize(1);
        assertThat(stripeCustomersOf(id).get(0)).containsEntry("name", "v20");
    }

    @Test
    void staleAndDuplicateEventsAreSkippedWithoutCallingStripe() throws Exception {
        String email = email();
        long id = http().createCustomer("Fresh v1", email);
        http().put("/customers/" + id, "{\"name\":\"Fresh v2\"}");
        await().atMost(SYNC).until(() -> count("select coalesce(max(applied_version), 0) from sync_state where customer_id = ?", id) == 2);
        String stripeId = localStripeId(id);
        int requestsBefore = stripe.requests().size();

        String staleId = UUID.randomUUID().toString();
        String stalePayload = "{\"id\":" + id + ",\"name\":\"Stale v1\",\"email\":\"" + email + "\",\"version\":1}";
        String duplicateId = jdbc.queryForObject("select id::text from outbox_events where aggregate_id = ? and event_type = 'CustomerUpdated'",
                String.class, String.valueOf(id));
        String duplicatePayload = jdbc.queryForObject("select payload::text from outbox_events where id = ?::uuid", String.class, duplicateId);
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<String, String>(java.util.Map.of(
                "bootstrap.servers", INFRA.kafka.getBrokersAsString(),
                "key.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName(),
                "value.serializer", org.apache.kafka.common.serialization.StringSerializer.class.getName()))) {
            for (String[] event : new String[][] {{duplicateId, duplicatePayload}, {staleId, stalePayload}}) {
                var record = new org.apache.kafka.clients.producer.ProducerRecord<>("customer_events", String.valueOf(id), event[1]);
                record.headers().add("eventId", event[0].getBytes()).add("eventType", "CustomerUpdated".getBytes());
                producer.send(record).get();
            }
        }
        await().atMost(SYNC).until(() -> count("select count(*) from processed_events where event_id = ?", staleId) == 1);
        // the duplicate went in before the stale one, on the same partition: once the stale one is in the ledger, both were read
        assertThat(stripe.requests().subList(requestsBefore, stripe.requests().size()))
                .as("no Stripe call for a stale or an already-applied event").noneMatch(r -> r.path().contains(stripeId));
        assertThat(stripe.customer(stripeId).orElseThrow()).containsEntry("name", "Fresh v2");
        assertThat(count("select applied_version from sync_state where customer_id = ?", id)).isEqualTo(2);
    }

    @Test
    void twoServerErrorsOnCreateGiveExactlyOneStripeCustomer() {
        awaitPipelineIdle();
        stripe.failNext("POST", "/v1/customers", 2, 500);
        String email = email();
        long id = http().createCustomer("Retry Me", email);
        awaitSynced(id);
        assertThat(stripeCustomersOf(id)).hasSize(1);
        List<String> keys = stripe.requests().stream()
                .filter(r -> r.path().equals("/v1/customers") && r.method().equals("POST"))
                .filter(r -> email.equals(r.form().get("email")))
                .map(RecordedRequest::idempotencyKey).distinct().toList();
        assertThat(stripe.requests().stream().filter(r -> email.equals(r.form().get("email")) && r.status() == 500)).as("both failures were this create's").hasSize(2);
        assertThat(keys).as("every attempt used the outbox event id as its key").hasSize(1);
        assertThat(keys.get(0)).isEqualTo(jdbc.queryForObject(
                "select id::text from outbox_events where aggregate_id = ? and event_type = 'CustomerCreated'", String.class, String.valueOf(id)));
    }

    @Test
    void lostResponseIsRetriedWithTheSameKeyAndCreatesOneCustomer() {
        // the first create is slower than the client's read timeout: Stripe does the work, Twoway never hears of it
        stripe.delayNext("POST", "/v1/customers", 1, Duration.ofMillis(2500));
        String email = email();
        long id = http().createCustomer("Slow Stripe", email);
        awaitSynced(id);
        await().atMost(SYNC).until(() -> stripe.requests().stream().anyMatch(r -> email.equals(r.form().get("email")) && r.replayed()));
        assertThat(stripeCustomersOf(id)).hasSize(1);
        assertThat(localStripeId(id)).isEqualTo(stripeCustomersOf(id).get(0).get("id"));
    }

    @Test
    void permanentStripeErrorIsDeadLetteredAndOthersStillSync() throws Exception {
        stripe.failNext("POST", "/v1/customers", 1, 400);
        String poisonEmail = email();
        long poisoned = http().createCustomer("Poison", poisonEmail);
        await().atMost(SYNC).until(() -> stripe.requests().stream().anyMatch(r -> r.status() == 400 && poisonEmail.equals(r.form().get("email"))));
        long healthy = http().createCustomer("Healthy", email());
        awaitSynced(healthy);

        String eventId = jdbc.queryForObject("select id::text from outbox_events where aggregate_id = ? and event_type = 'CustomerCreated'",
                String.class, String.valueOf(poisoned));
        TopicReader.Record dead = await().atMost(SYNC).until(
                () -> TopicReader.readAll(INFRA.kafka.getBrokersAsString(), "customer_events_dlq").stream()
                        .filter(r -> eventId.equals(r.headers().get("eventId"))).findFirst().orElse(null),
                r -> r != null);
        assertThat(dead.key()).isEqualTo(String.valueOf(poisoned));
        assertThat(new ObjectMapper().readTree(dead.value()).path("name").asText()).as("the original message").isEqualTo("Poison");
        assertThat(dead.headers()).containsEntry("eventType", "CustomerCreated")
                .containsEntry("twoway_error_http_status", "400")
                .containsEntry("twoway_error_attempts", "1")
                .containsEntry("twoway_error_class", StripeSyncException.Permanent.class.getName())
                .containsKeys("twoway_error_message", "twoway_error_first_failure_at", "twoway_error_last_failure_at", "correlationId");
        assertThat(localStripeId(poisoned)).isNull();
    }

    @Test
    void rateLimitBurstIsRetriedAfterTheDelayAndNothingIsLost() {
        stripe.failNext("POST", "/v1/customers", 2, 429, 1);
        String email = email();
        long id = http().createCustomer("Rate Limited", email);
        awaitSynced(id);
        assertThat(stripeCustomersOf(id)).hasSize(1);
        List<RecordedRequest> attempts = stripe.requests().stream()
                .filter(r -> r.method().equals("POST") && r.path().equals("/v1/customers") && (r.status() == 429 || email.equals(r.form().get("email"))))
                .toList();
        assertThat(attempts).extracting(RecordedRequest::status).containsSubsequence(429, 429, 200);
        RecordedRequest lastLimited = attempts.stream().filter(r -> r.status() == 429).reduce((a, b) -> b).orElseThrow();
        RecordedRequest success = attempts.stream().filter(r -> r.status() == 200).findFirst().orElseThrow();
        assertThat(Duration.between(lastLimited.at(), success.at())).as("Retry-After was honoured").isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void breakerOpensAndRecoversWithoutDeadLetters() {
        int dlqBefore = TopicReader.readAll(INFRA.kafka.getBrokersAsString(), "customer_events_dlq").size();
        // three failures open the breaker (test setting), the probe after it fails once more, the next probe succeeds
        stripe.failNext("POST", "/v1/customers", 4, 503);
        long id = http().createCustomer("Breaker", email());
        await().atMost(SYNC).until(() -> stripeCircuitBreaker.getState() == CircuitBreaker.State.OPEN);
        awaitSynced(id);
        await().atMost(SYNC).until(() -> stripeCircuitBreaker.getState() == CircuitBreaker.State.CLOSED);
        assertThat(stripeCustomersOf(id)).hasSize(1);
        assertThat(TopicReader.readAll(INFRA.kafka.getBrokersAsString(), "customer_events_dlq")).hasSize(dlqBefore);
    }
}
