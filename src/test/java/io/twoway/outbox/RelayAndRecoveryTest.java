package io.twoway.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.twoway.testsupport.IntegrationTest;
import io.twoway.testsupport.TopicReader;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.RouteBuilder;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Outbox relay: one active relay across instances, per-customer order, and exactly-once delivery across a crash. */
class RelayAndRecoveryTest extends IntegrationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    private CamelContext camel;

    @Autowired
    private DataSource dataSource;

    @Test
    void relayPublishesNothingWhileAnotherInstanceHoldsTheRelayLock() throws Exception {
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (PreparedStatement lock = other.prepareStatement("select pg_advisory_xact_lock(?)")) {
                lock.setLong(1, OutboxRelay.RELAY_LOCK);
                lock.execute();
            }
            long id = http().createCustomer("Locked Out", "l-" + UUID.randomUUID() + "@example.com");
            Thread.sleep(1500);
            assertThat(count("select count(*) from outbox_events where aggregate_id = ? and published_at is null", String.valueOf(id)))
                    .as("the other instance holds the relay, so this one must not publish").isEqualTo(1);
            other.rollback();
            await().atMost(Duration.ofSeconds(20)).until(
                    () -> count("select count(*) from outbox_events where aggregate_id = ? and published_at is null", String.valueOf(id)) == 0);
        }
    }

    @Test
    void twoRelaysRunningStillPublishEachCustomerInOrder() throws Exception {
        camel.addRoutes(new RouteBuilder() {
            @Override
            public void configure() {
                from("scheduler:outbox-relay-second?delay=5&greedy=true").routeId("outbox-relay-second").to("direct:outbox-relay-batch");
            }
        });
        List<Long> ids = new ArrayList<>();
        try {
            for (int c = 0; c < 5; c++) {
                ids.add(http().createCustomer("Order 0", "o-" + UUID.randomUUID() + "@example.com"));
            }
            for (int v = 1; v <= 20; v++) {
                for (long id : ids) {
                    http().put("/customers/" + id, "{\"name\":\"Order " + v + "\"}");
                }
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from outbox_events where published_at is null") == 0);
        } finally {
            camel.getRouteController().stopRoute("outbox-relay-second");
            camel.removeRoute("outbox-relay-second");
        }
        Map<String, List<Long>> versionsByCustomer = new HashMap<>();
        for (TopicReader.Record r : TopicReader.readAll(INFRA.kafka.getBrokersAsString(), "customer_events")) {
            versionsByCustomer.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(JSON.readTree(r.value()).path("version").asLong());
        }
        for (long id : ids) {
            List<Long> versions = versionsByCustomer.get(String.valueOf(id));
            assertThat(versions).as("customer %d: every version once, in order", id)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 21).boxed().toList());
        }
    }

    @Test
    void crashMidBatchThenRestartDeliversEveryEventToStripeExactlyOnce() throws Exception {
        // slow Stripe down so the stop lands while creates are in flight
        stripe.delayNext("POST", "/v1/customers", 40, Duration.ofMillis(150));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(http().createCustomer("Crash " + i, "x-" + UUID.randomUUID() + "@example.com"));
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream().filter(id -> !stripeCustomersOf(id).isEmpty()).count() >= 3);

        // stop hard: a 1 s grace period, then in-flight exchanges are abandoned
        camel.getRouteController().stopRoute("stripe-customer-sync", 1, TimeUnit.SECONDS);
        camel.getRouteController().stopRoute("outbox-relay", 1, TimeUnit.SECONDS);
        long syncedAtCrash = ids.stream().filter(id -> !stripeCustomersOf(id).isEmpty()).count();
        camel.getRouteController().startRoute("outbox-relay");
        camel.getRouteController().startRoute("stripe-customer-sync");

        await().atMost(Duration.ofSeconds(60)).until(() -> count(
                "select count(*) from customers where stripe_customer_id is not null and id = any(?)", (Object) ids.toArray(Long[]::new)) == ids.size());
        for (long id : ids) {
            assertThat(stripeCustomersOf(id)).as("customer %d has exactly one Stripe customer", id).hasSize(1);
        }
        assertThat(syncedAtCrash).as("the crash happened mid-backlog").isLessThan(ids.size());
    }
}
