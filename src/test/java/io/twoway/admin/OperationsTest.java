package io.twoway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.param.CustomerUpdateParams;
import io.twoway.testsupport.Http;
import io.twoway.testsupport.IntegrationTest;
import io.twoway.testsupport.LocalInfrastructure;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationContext;

/**
 * The operator's surface: the status, Kafka's figures and the integrations, a customer's timeline after a round
 * trip (REST → outbox → Kafka → Stripe → webhook back), the readiness components (a stalled relay shows DEGRADED but
 * stays ready), and the sync's metrics.
 */
@ExtendWith(OutputCaptureExtension.class)
class OperationsTest extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    private CamelContext camel;

    @Autowired
    private ApplicationContext context;

    private JsonNode data(Http.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().path("data");
    }

    @Test
    void statusKafkaStatsAndIntegrations() {
        long id = http().createCustomer("Status Check", "op-" + UUID.randomUUID() + "@example.com");
        await().atMost(WAIT).until(() -> stripeCustomersOf(id).size() == 1);

        JsonNode status = data(http().get("/admin/status"));
        for (String dependency : List.of("database", "kafka", "stripe")) {
            assertThat(status.path("dependencies").path(dependency).path("up").asBoolean()).as(dependency).isTrue();
            assertThat(status.path("dependencies").path(dependency).path("latency_ms").isNumber()).isTrue();
        }
        assertThat(status.path("outbox").path("backlog").isNumber()).isTrue();
        assertThat(status.path("consumer_lag").has("twoway-stripe-sync")).isTrue();
        assertThat(status.path("dead_letters").path("open").isNumber()).isTrue();
        assertThat(status.path("breaker").path("state").asText()).isIn("closed", "half_open", "open");
        List<String> routes = new ArrayList<>();
        status.path("routes").forEach(r -> routes.add(r.path("id").asText()));
        assertThat(routes).contains("stripe-customer-sync", "outbox-relay", "webhook-stripe-apply", "reconcile-run");
        assertThat(status.path("routes")).anyMatch(r -> r.path("id").asText().equals("stripe-customer-sync") && r.path("state").asText().equals("started")
                && r.path("exchanges_total").asLong() > 0);
        assertThat(status.path("catchup").has("full_reconciliation_required")).isTrue();

        JsonNode kafka = data(http().get("/admin/kafka/stats"));
        assertThat(kafka.path("topics").get(0).path("topic").asText()).isEqualTo("customer_events");
        assertThat(kafka.path("topics").get(0).path("partitions")).hasSize(3);
        assertThat(kafka.path("topics").get(0).path("messages_total").asLong()).isPositive();
        assertThat(kafka.path("consumer_groups")).anyMatch(g -> g.path("group").asText().equals("twoway-stripe-sync")
                && g.path("partitions").size() >= 1 && g.path("partitions").get(0).has("lag"));

        JsonNode integrations = data(http().get("/admin/integrations/status"));
        assertThat(integrations.get(0).path("name").asText()).isEqualTo("stripe");
        assertThat(integrations.get(0).path("enabled").asBoolean()).isTrue();
        assertThat(integrations.get(0).path("last_success_at").isTextual()).isTrue();
        assertThat(integrations.get(0).path("applied").asLong()).isPositive();
        assertThat(integrations.get(1).path("name").asText()).isEqualTo("salesforce");
        assertThat(integrations.get(1).path("enabled").asBoolean()).isFalse();
    }

    @Test
    void theTimelineTellsARoundTripInOrder() throws Exception {
        String correlationId = "timeline-" + UUID.randomUUID();
        Http.Reply created = http().send(HttpRequest.newBuilder(URI.create(http().base() + "/customers")).header("Content-Type", "application/json")
                .header("X-Correlation-Id", correlationId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Round Trip\",\"email\":\"rt-" + UUID.randomUUID() + "@example.com\"}")));
        long id = created.json().path("data").path("id").asLong();
        await().atMost(WAIT).until(() -> stripeCustomersOf(id).size() == 1);
        String stripeId = (String) stripeCustomersOf(id).get(0).get("id");
        StripeClient.builder().setApiKey(LocalInfrastructure.SANDBOX_API_KEY).setApiBase(stripe.baseUrl()).build()
                .v1().customers().update(stripeId, CustomerUpdateParams.builder().setName("Renamed In Stripe").build());
        await().atMost(WAIT).until(() -> "Renamed In Stripe".equals(jdbc.queryForObject("select name from customers where id = ?", String.class, id)));
        await().atMost(WAIT).until(() -> count("select count(*) from webhook_events where object_id = ? and status <> 'pending'", stripeId) == 2);

        JsonNode timeline = data(http().get("/admin/customers/" + id + "/timeline"));
        assertThat(timeline.path("customer").path("stripe_customer_id").asText()).isEqualTo(stripeId);
        List<String> kinds = new ArrayList<>();
        List<String> times = new ArrayList<>();
        timeline.path("entries").forEach(e -> {
            kinds.add(e.path("kind").asText());
            times.add(e.path("at").asText());
        });
        assertThat(times).isSorted();
        assertThat(kinds).contains("change", "kafka", "stripe_call", "stripe_event");
        JsonNode first = timeline.path("entries").get(0);
        assertThat(first.path("kind").asText()).isEqualTo("change");
        assertThat(first.path("details").path("origin").asText()).isEqualTo("api");
        assertThat(first.path("details").path("correlation_id").asText()).isEqualTo(correlationId);
        assertThat(timeline.path("entries")).anyMatch(e -> e.path("kind").asText().equals("stripe_call") && e.path("details").path("kafka_offset").isNumber()
                && e.path("details").path("kafka_partition").isNumber());
        assertThat(timeline.path("entries")).anyMatch(e -> e.path("kind").asText().equals("stripe_call")
                && e.path("summary").asText().startsWith("applied: sent [name, email] to " + stripeId));
        assertThat(timeline.path("entries")).anyMatch(e -> e.path("kind").asText().equals("stripe_event")
                && e.path("summary").asText().startsWith("customer.updated: applied"));
        assertThat(timeline.path("entries")).anyMatch(e -> e.path("kind").asText().equals("change") && e.path("details").path("origin").asText().equals("stripe"));

        List<Long> byId = new ArrayList<>();
        data(http().get("/admin/customers/search?q=" + id)).path("items").forEach(c -> byId.add(c.path("id").asLong()));
        assertThat(byId).containsExactly(id);
        assertThat(data(http().get("/admin/customers/search?q=" + stripeId)).path("items").get(0).path("id").asLong()).isEqualTo(id);
        String emailStart = timeline.path("customer").path("email").asText().substring(0, 12).toUpperCase();
        assertThat(data(http().get("/admin/customers/search?q=" + emailStart)).path("items")).anyMatch(c -> c.path("id").asLong() == id);
        assertThat(http().get("/admin/customers/search?q=").status()).isEqualTo(400);
        assertThat(data(http().get("/admin/customers/search?q=nobody-has-this_%25")).path("items")).isEmpty();

        assertThat(http().get("/admin/customers/999999999/timeline").status()).isEqualTo(404);
        assertThat(http().get("/admin/customers/abc/timeline").status()).isEqualTo(400);
    }

    @Test
    void aRequestsCorrelationIdFollowsItsChangeToStripeAndItsEchoBack(CapturedOutput output) {
        String correlationId = "follow-" + UUID.randomUUID();
        Http.Reply created = http().send(HttpRequest.newBuilder(URI.create(http().base() + "/customers")).header("Content-Type", "application/json")
                .header("X-Correlation-Id", correlationId)
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"Followed\",\"email\":\"fw-" + UUID.randomUUID() + "@example.com\"}")));
        assertThat(created.headers().firstValue("X-Correlation-Id")).hasValue(correlationId);
        long id = created.json().path("data").path("id").asLong();
        await().atMost(WAIT).until(() -> output.getAll().lines().anyMatch(l -> l.contains("[" + correlationId + "]") && l.contains("Webhook")
                && l.contains("echo")));
        List<String> lines = output.getAll().lines().filter(l -> l.contains("[" + correlationId + "]")).toList();
        assertThat(lines).as("the Stripe call").anyMatch(l -> l.contains("Applied CustomerCreated v1 of customer " + id + " to Stripe"));
        assertThat(lines).as("the echo that came back").anyMatch(l -> l.contains("echo") && l.contains("Twoway's own write"));
    }

    @Test
    void aStalledRelayIsDegradedButReadyAndTheMetricsAreThere() throws Exception {
        JsonNode ready = management().get("/actuator/health/readiness").json();
        assertThat(ready.path("components").has("db")).isTrue();
        assertThat(ready.path("components").has("kafka")).isTrue();
        assertThat(ready.path("components").has("stripe")).isTrue();
        assertThat(ready.path("components").has("relay")).isTrue();
        assertThat(management().withoutToken().get("/actuator/health/liveness").status()).isEqualTo(200);
        // not ready is 503, whatever the DEGRADED mapping: a load balancer and the benchmark wait on it
        AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
        try {
            assertThat(management().withoutToken().get("/actuator/health/readiness").status()).isEqualTo(503);
        } finally {
            AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
        }
        assertThat(management().withoutToken().get("/actuator/health/readiness").status()).isEqualTo(200);

        long id = http().createCustomer("Stalled", "st-" + UUID.randomUUID() + "@example.com");
        camel.getRouteController().stopRoute("outbox-relay");
        try {
            assertThat(http().put("/customers/" + id, "{\"name\":\"Waiting\"}").status()).isEqualTo(200);
            jdbc.update("update outbox_events set created_at = now() - interval '5 minutes' where aggregate_id = ? and published_at is null", String.valueOf(id));
            // the relay's component reads the backlog as last read in the background (every 2 s)
            await().atMost(WAIT).until(() -> "DEGRADED".equals(management().get("/actuator/health/readiness").json().path("status").asText()));
            Http.Reply degraded = management().get("/actuator/health/readiness");
            assertThat(degraded.status()).as("still ready: the API keeps taking writes").isEqualTo(200);
            assertThat(degraded.json().path("components").path("relay").path("status").asText()).isEqualTo("DEGRADED");
        } finally {
            camel.getRouteController().startRoute("outbox-relay");
        }
        await().atMost(WAIT).until(() -> "UP".equals(management().get("/actuator/health/readiness").json().path("status").asText()));

        await().atMost(WAIT).until(() -> data(http().get("/admin/metrics/history")).path("points").size() >= 2);
        JsonNode history = data(http().get("/admin/metrics/history"));
        assertThat(history.path("interval_seconds").asLong()).isEqualTo(1);
        assertThat(history.path("points").get(0).path("stripe_calls").has("rate_limited")).isTrue();
        assertThat(history.path("points").get(0).path("relayed").isNumber()).isTrue();

        String metrics = management().get("/actuator/prometheus").body();
        assertThat(metrics).contains("twoway_outbox_relayed_total", "twoway_outbox_backlog", "twoway_outbox_oldest_age_seconds", "twoway_dlq_open",
                "twoway_kafka_consumer_lag{group=\"twoway-stripe-sync\"", "twoway_stripe_calls_total{operation=\"customers.create\",outcome=\"success\"");
    }
}
