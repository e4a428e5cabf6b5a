package io.twoway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twoway.sandbox.RecordedRequest;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Faults around one running Twoway: Stripe failing (5xx), limiting (429) and slow, PostgreSQL restarted, Kafka down
 * for a minute. The process is never restarted: every route must come back by itself. Each scenario ends with the
 * audit of its own writes.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PipelineFaultTest extends FaultScenario {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static TwowayProcess twoway;

    @BeforeAll
    static void start() {
        // a read time-out above the slow scenario's 2 s answers, below its few 6 s ones
        twoway = twoway("pipeline", Map.of("twoway.stripe.read-timeout-ms", "4000"));
        twoway.start();
        webhooksTo(twoway);
    }

    @AfterAll
    static void stop() {
        twoway.close();
    }

    @Test
    @Order(1)
    void aStripe5xxStormOpensTheBreakerWhichRecoversAndNothingIsDeadLettered() throws Exception {
        Workload workload = new Workload("5xx storm");
        double opened = breakerTransitions("open");
        INFRA.stripe.failNext("POST", "/v1/customers", 100_000, 500);
        workload.createMany(twoway.apiPort(), 20);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> breakerTransitions("open") > opened);
        Thread.sleep(6_000); // the storm goes on: the breaker holds the calls back, probing every 2 s
        long failedCalls = INFRA.stripe.requests().stream().filter(r -> r.status() == 500).count();
        INFRA.stripe.clearFaults();
        DeliveryAudit audit = settle(workload, Duration.ofSeconds(60));
        assertThat(breakerState()).isEqualTo("closed");
        assertNothingLostOrDoubled(audit, "Stripe 5xx storm (8 s)", "breaker opened and closed again; " + failedCalls + " calls answered 500, none dead-lettered");
    }

    @Test
    @Order(2)
    void aStripe429StormIsWaitedOutAsRetryAfterAsksWithoutTheBreaker() throws Exception {
        Workload workload = new Workload("429 storm");
        double opened = breakerTransitions("open");
        Instant from = Instant.now();
        INFRA.stripe.failNext("POST", "/v1/customers", 6, 429, 1);
        workload.createMany(twoway.apiPort(), 20);
        DeliveryAudit audit = settle(workload, Duration.ofSeconds(60));
        List<RecordedRequest> calls = INFRA.stripe.requests().stream().filter(r -> r.at().isAfter(from)).toList();
        List<RecordedRequest> limited = calls.stream().filter(r -> r.status() == 429).toList();
        assertThat(limited).hasSize(6);
        // how many calls reached the sandbox in the 0.9 s after each 429: only those already in flight when it was
        // answered (other consumer threads, a probe), since Retry-After holds back every sender of the process
        long afterA429 = limited.stream().mapToLong(r -> calls.stream().filter(c -> c.at().isAfter(r.at())
                && c.at().isBefore(r.at().plusMillis(900))).count()).max().orElse(0);
        assertThat(breakerTransitions("open")).as("429s are no failure for the breaker").isEqualTo(opened);
        assertThat(INFRA.stripe.requests().stream().filter(r -> r.at().isAfter(from) && r.status() == 429)).hasSize(6);
        assertNothingLostOrDoubled(audit, "Stripe 429 storm", "6 answers 429 with Retry-After 1, none counted as an attempt; breaker stayed closed;"
                + " at most " + afterA429 + " call(s) in the 0.9 s after one (already in flight)");
    }

    @Test
    @Order(3)
    void aSlowStripeSlowsTheSyncAndATimedOutCallIsNeverDoubled() {
        Workload workload = new Workload("slow stripe");
        // the first three creates answer after 6 s (past the 4 s read time-out: sent again with the same key), then 2 s each
        Instant from = Instant.now();
        INFRA.stripe.delayNext("POST", "/v1/customers", 3, Duration.ofSeconds(6));
        INFRA.stripe.delayNext("*", "/v1/", 100_000, Duration.ofSeconds(2));
        long started = System.nanoTime();
        workload.createMany(twoway.apiPort(), 12);
        DeliveryAudit audit = settle(workload, Duration.ofSeconds(120));
        double seconds = (System.nanoTime() - started) / 1e9;
        long replays = INFRA.stripe.requests().stream().filter(r -> r.at().isAfter(from) && r.replayed()).count();
        INFRA.stripe.clearFaults();
        assertNothingLostOrDoubled(audit, "slow Stripe (2 s answers)",
                String.format("12 creates settled in %.0f s; 3 calls past the 4 s read time-out sent again under their keys: %d answered as replays", seconds, replays));
    }

    @Test
    @Order(4)
    void postgresqlRestartedAnswers503MeanwhileAndEveryRouteRecovers() throws Exception {
        Workload workload = new Workload("postgres restart");
        workload.createMany(twoway.apiPort(), 10);
        INFRA.postgres.stop();
        HttpResponse<String> refused = HTTP.send(HttpRequest.newBuilder(URI.create(twoway.apiBaseUrl() + "/customers"))
                .header("Authorization", "Bearer " + Workload.TOKEN).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"While down\",\"email\":\"down@faults.example\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(refused.statusCode()).isEqualTo(503);
        assertThat(JSON.readTree(refused.body()).path("message").asText()).contains("database is unavailable");
        assertThat(refused.headers().firstValue("Retry-After")).isPresent();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> twoway.readinessStatus() == 503);
        Thread.sleep(3_000);
        INFRA.postgres.start();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> twoway.readinessStatus() == 200);
        workload.createMany(twoway.apiPort(), 10);
        DeliveryAudit audit = settle(workload, Duration.ofSeconds(60));
        assertThat(INFRA.count("select count(*) from customers where email = 'down@faults.example'")).as("the refused write").isZero();
        assertNothingLostOrDoubled(audit, "PostgreSQL restarted", "503 with Retry-After while down; relay, sync and API recovered without a restart");
    }

    @Test
    @Order(5)
    void kafkaDownForAMinuteTheApiKeepsAcceptingAndTheBacklogDrains() throws Exception {
        Workload workload = new Workload("kafka down");
        workload.createMany(twoway.apiPort(), 5);
        INFRA.kafka.stop();
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        boolean degradedSeen = false;
        while (System.nanoTime() < until) {
            workload.createMany(twoway.apiPort(), 2);
            JsonNode readiness = readiness();
            degradedSeen |= "DEGRADED".equals(readiness.path("components").path("kafka").path("status").asText());
            Thread.sleep(1_000);
        }
        long backlog = INFRA.count("select count(*) from outbox_events where published_at is null");
        assertThat(degradedSeen).as("readiness showed Kafka DEGRADED").isTrue();
        assertThat(twoway.readinessStatus()).as("still ready: the API takes writes").isEqualTo(200);
        assertThat(backlog).as("the outbox held the writes").isPositive();
        assertThat(workload.refused).as("writes refused while Kafka was down").isZero();
        INFRA.kafka.start();
        DeliveryAudit audit = settle(workload, Duration.ofSeconds(120));
        assertNothingLostOrDoubled(audit, "Kafka down 60 s", "API kept accepting (outbox reached " + backlog + " events); drained after the broker returned");
    }

    private static JsonNode readiness() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(twoway.managementBaseUrl() + "/actuator/health/readiness")).build(),
                HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body());
    }

    private static String breakerState() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(twoway.apiBaseUrl() + "/admin/integrations/status"))
                .header("Authorization", "Bearer " + Workload.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(r.body()).path("data").path(0).path("breaker").path("state").asText();
    }

    /** The process's count of breaker transitions into {@code to} (Prometheus). */
    private static double breakerTransitions(String to) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(twoway.managementBaseUrl() + "/actuator/prometheus"))
                .header("Authorization", "Bearer " + Workload.TOKEN).build(), HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("^twoway_stripe_breaker_transitions_total\\{[^}]*to=\"" + to + "\"[^}]*} ([0-9.eE+-]+)$", Pattern.MULTILINE)
                .matcher(r.body());
        double total = 0;
        while (m.find()) {
            total += Double.parseDouble(m.group(1));
        }
        return total;
    }
}
