package io.twoway.testsupport;

import io.twoway.sandbox.StripeSandbox;
import io.twoway.stripe.StripeGateway;
import io.twoway.TwowayApplication;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.TestPropertySource;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Tests: the whole service on a random port against real PostgreSQL, a real KRaft Kafka broker and the Stripe
 * sandbox over HTTP, with retries and the breaker turned down so no test waits out a production backoff.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "twoway.stripe.api-key=" + LocalInfrastructure.SANDBOX_API_KEY,
        "twoway.retry.max-attempts=5",
        "twoway.retry.initial-delay-seconds=0.1",
        "twoway.retry.max-delay-seconds=0.4",
        "twoway.breaker.failure-threshold=3",
        "twoway.breaker.open-seconds=2",
        "twoway.stripe.rate-limit=200",
        "twoway.stripe.read-timeout-ms=1500",
        "twoway.outbox.poll-interval-ms=20",
        "twoway.kafka.consumers=3",
        "twoway.webhook.secret=" + IntegrationTest.WEBHOOK_SECRET + "," + IntegrationTest.WEBHOOK_SECRET_NEXT,
        "twoway.webhook.sweep-interval-ms=500",
        "twoway.webhook.sweep-after-seconds=1",
        "spring.datasource.hikari.connection-timeout=1000",
        "twoway.api.port=0",
        "twoway.api.tokens=" + IntegrationTest.API_TOKEN + "," + IntegrationTest.API_TOKEN_NEXT,
        "twoway.api.rate-limit=0",
        "twoway.console.history-interval-seconds=1",
        // several test contexts (and the cluster test's second instance) share this JVM: Jolokia on any free port
        "camel.component.jolokia.server-config.port=0",
        // the schedule and the catch-up run where a test asks for them (ReconciliationTest, CatchupTest)
        "twoway.reconciliation.enabled=false",
        "twoway.catchup.enabled=false"
})
public abstract class IntegrationTest {

    protected static final LocalInfrastructure INFRA = LocalInfrastructure.start();
    /** Two webhook secrets, as during a rotation: events signed with either pass. */
    protected static final String WEBHOOK_SECRET = "whsec_test_current";
    protected static final String WEBHOOK_SECRET_NEXT = "whsec_test_next";
    /** Two API tokens, as during a rotation: either opens every endpoint. */
    protected static final String API_TOKEN = "tw_test_token_current_0001";
    protected static final String API_TOKEN_NEXT = "tw_test_token_next_0002";

    /** The API's port (the REST, webhook and admin routes); {@link #management()} has health and metrics. */
    protected int port;

    @LocalServerPort
    private int managementPort;

    @Autowired
    private VertxPlatformHttpServer apiServer;

    @Autowired
    protected JdbcTemplate jdbc;

    protected final StripeSandbox stripe = INFRA.stripe;

    @DynamicPropertySource
    static void infrastructure(DynamicPropertyRegistry registry) {
        INFRA.properties().forEach((key, value) -> registry.add(key, () -> value));
    }

    @BeforeEach
    void clearFaults() {
        port = apiServer.getPort();
        stripe.clearFaults();
        stripe.rateLimit(0);
        // the sandbox sends its events back to this service, as Stripe does: echoes of Twoway's own writes included
        stripe.webhook("http://localhost:" + port + "/webhooks/stripe", WEBHOOK_SECRET);
    }

    protected Http http() {
        return new Http("http://localhost:" + port, API_TOKEN);
    }

    /** Spring's management endpoints: /actuator/health, /actuator/prometheus. */
    protected Http management() {
        return new Http("http://localhost:" + managementPort, API_TOKEN);
    }

    /** The live Stripe customers that carry this local customer's id in their metadata. */
    protected List<Map<String, Object>> stripeCustomersOf(long localId) {
        return stripe.customers().stream()
                .filter(c -> String.valueOf(localId).equals(((Map<?, ?>) c.get("metadata")).get(StripeGateway.LOCAL_ID_METADATA)))
                .toList();
    }

    /**
     * Waits until every outbox event is published and settled by the Stripe consumer, so that a fault injected next
     * (the sandbox's failNext matches any request on a path) meets this test's request, not an earlier test's.
     */
    protected void awaitPipelineIdle() {
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60)).until(() -> count("""
                select count(*) from outbox_events o where o.published_at is null
                   or not exists (select 1 from processed_events p where p.event_id = o.id::text)
                      and not exists (select 1 from dead_letters d where d.event_id = o.id::text)
                """) == 0);
    }

    /**
     * Another whole Twoway application in this JVM, as a second instance of the cluster: the test's own settings (this
     * class's and the test class's {@code @TestPropertySource}), the same infrastructure, its own ports, no JMX (the
     * test's context holds the names), and {@code overrides} on top.
     */
    protected ConfigurableApplicationContext startAnotherInstance(Map<String, String> overrides) {
        Map<String, String> properties = new LinkedHashMap<>();
        List.of(IntegrationTest.class.getAnnotation(SpringBootTest.class).properties()).forEach(p -> put(properties, p));
        TestPropertySource own = getClass().getAnnotation(TestPropertySource.class);
        if (own != null) {
            List.of(own.properties()).forEach(p -> put(properties, p));
        }
        properties.putAll(INFRA.properties());
        properties.putAll(Map.of("server.port", "0", "twoway.api.port", "0", "twoway.api.warmup-requests", "0", "camel.main.jmx-enabled", "false"));
        properties.putAll(overrides);
        // as command-line arguments, which win over application.yaml, as the test context's properties do
        return new SpringApplicationBuilder(TwowayApplication.class)
                .run(properties.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    private static void put(Map<String, String> properties, String keyValue) {
        int eq = keyValue.indexOf('=');
        properties.put(keyValue.substring(0, eq), keyValue.substring(eq + 1));
    }

    protected long count(String sql, Object... args) {
        Long n = jdbc.queryForObject(sql, Long.class, args);
        return n == null ? 0 : n;
    }
}
