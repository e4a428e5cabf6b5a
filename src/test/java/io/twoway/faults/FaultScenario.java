package io.twoway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The fault suite's common ground: one PostgreSQL, Kafka broker and Stripe sandbox for the whole suite (each can be
 * stopped and started on its own port), Twoway run as child processes that a test can kill, and the audit that every
 * scenario ends with. Each scenario writes its own customers and audits only those.
 */
abstract class FaultScenario {

    static final FaultInfrastructure INFRA = FaultInfrastructure.start();
    static final String WEBHOOK_SECRET = "whsec_fault_suite";

    /**
     * The suite's broker and database stop when the whole test run ends (JUnit's root store closes its resources), not
     * in the JVM's shutdown: a KRaft broker cut off there can halt the JVM with a non-zero exit code, which fails the
     * build after every test passed.
     */
    @RegisterExtension
    static final BeforeAllCallback STOP_AT_THE_END = context -> context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
            .getOrComputeIfAbsent(FaultInfrastructure.class, key -> (ExtensionContext.Store.CloseableResource) INFRA::close);

    @BeforeEach
    void healthyInfrastructure() {
        if (!INFRA.postgres.isRunning()) {
            INFRA.postgres.start();
        }
        if (!INFRA.kafka.isRunning()) {
            INFRA.kafka.start();
        }
        INFRA.stripe.clearFaults();
        INFRA.stripe.rateLimit(0);
    }

    @AfterAll
    static void printSummary() {
        System.out.println(FaultSummary.print());
    }

    /**
     * A Twoway process on fixed ports against the suite's infrastructure: production's settings but for what a test
     * cannot wait for (retry delays of tenths of a second, a breaker open for 2 s, a Kafka session of 6 s), then
     * {@code overrides}. Reconciliation's schedule is off; the catch-up runs at start and every 10 s.
     */
    static TwowayProcess twoway(String name, Map<String, String> overrides) {
        int[] ports = TwowayProcess.freePorts(2);
        Map<String, String> p = new LinkedHashMap<>(INFRA.properties());
        p.put("twoway.api.tokens", Workload.TOKEN);
        p.put("twoway.webhook.secret", WEBHOOK_SECRET);
        p.put("twoway.api.warmup-requests", "0");
        p.put("twoway.retry.max-attempts", "8");
        p.put("twoway.retry.initial-delay-seconds", "0.2");
        p.put("twoway.retry.max-delay-seconds", "1");
        p.put("twoway.breaker.failure-threshold", "3");
        p.put("twoway.breaker.open-seconds", "2");
        p.put("twoway.stripe.rate-limit", "100");
        p.put("twoway.outbox.poll-interval-ms", "20");
        p.put("twoway.kafka.session-timeout-ms", "6000");
        p.put("twoway.kafka.heartbeat-interval-ms", "1000");
        p.put("twoway.webhook.sweep-interval-ms", "500");
        p.put("twoway.webhook.sweep-after-seconds", "2");
        p.put("twoway.reconciliation.enabled", "false");
        p.put("twoway.catchup.interval-seconds", "10");
        p.put("twoway.catchup.initial-delay-seconds", "1");
        p.putAll(overrides);
        return new TwowayProcess(name, ports[0], ports[1], p, Map.of());
    }

    /** The sandbox sends its events (echoes included) to this process's webhook endpoint, as Stripe would. */
    static void webhooksTo(TwowayProcess twoway) {
        INFRA.stripe.webhook("http://127.0.0.1:" + twoway.apiPort() + "/webhooks/stripe", WEBHOOK_SECRET);
    }

    /** Waits until the workload's customers have settled in Stripe (or {@code timeout} passes), then audits them. */
    static DeliveryAudit settle(Workload workload, Duration timeout) {
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(500))
                    .until(() -> DeliveryAudit.of(workload, INFRA.stripe, INFRA.jdbc()).clean());
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // the audit below says what is missing
        }
        return DeliveryAudit.of(workload, INFRA.stripe, INFRA.jdbc());
    }

    /** Asserts the audit is clean, records its row in the suite's summary either way. */
    static void assertNothingLostOrDoubled(DeliveryAudit audit, String fault, String note) {
        audit.record(fault, note);
        System.out.println(fault + ": " + audit);
        assertThat(audit.accepted()).as("changes accepted").isPositive();
        assertThat(audit.clean()).as("%s: %s", fault, audit).isTrue();
        assertThat(INFRA.count("select count(*) from dead_letters where status = 'open'")).as("open dead letters").isZero();
    }
}
