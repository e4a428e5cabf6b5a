package io.twoway.testsupport;

import io.twoway.salesforcesandbox.SalesforceSandbox;
import io.twoway.sandbox.StripeSandbox;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * Local run and tests: the real components Twoway needs, started in this JVM once: PostgreSQL (zonky, or the
 * server in {@code DATABASE_URL} when set), a single-node KRaft Kafka broker, the Stripe sandbox and the Salesforce
 * sandbox.
 */
public final class LocalInfrastructure {

    public static final String SANDBOX_API_KEY = "sk_test_twoway_local";
    private static LocalInfrastructure instance;

    public final String jdbcUrl;
    public final String dbUser;
    public final String dbPassword;
    public final EmbeddedKafkaKraftBroker kafka;
    public final StripeSandbox stripe;
    public final SalesforceSandbox salesforce;
    // stopped by zonky's own shutdown hook; the in-process broker and sandbox end with the JVM
    private final EmbeddedPostgres postgres;

    private LocalInfrastructure(int sandboxPort, int salesforcePort) {
        String external = System.getenv("DATABASE_URL");
        if (external != null && !external.isBlank()) {
            postgres = null;
            jdbcUrl = null;
            dbUser = null;
            dbPassword = null;
        } else {
            try {
                postgres = EmbeddedPostgres.builder().start();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start embedded PostgreSQL", e);
            }
            jdbcUrl = postgres.getJdbcUrl("postgres", "postgres");
            dbUser = "postgres";
            dbPassword = "postgres";
        }
        kafka = new EmbeddedKafkaKraftBroker(1, 3);
        kafka.afterPropertiesSet();
        stripe = StripeSandbox.start(sandboxPort);
        salesforce = SalesforceSandbox.start(salesforcePort);
    }

    public static synchronized LocalInfrastructure start(int sandboxPort, int salesforcePort) {
        if (instance == null) {
            instance = new LocalInfrastructure(sandboxPort, salesforcePort);
        }
        return instance;
    }

    public static LocalInfrastructure start() {
        return start(0, 0);
    }

    /** The properties that point Twoway at these components. */
    public Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        if (jdbcUrl != null) {
            p.put("spring.datasource.url", jdbcUrl);
            p.put("spring.datasource.username", dbUser);
            p.put("spring.datasource.password", dbPassword);
        }
        p.put("twoway.kafka.bootstrap-servers", kafka.getBrokersAsString());
        p.put("twoway.stripe.api-base", stripe.baseUrl());
        p.put("twoway.stripe.api-key", SANDBOX_API_KEY);
        p.put("twoway.salesforce.login-url", salesforce.baseUrl());
        p.put("twoway.salesforce.client-id", SalesforceSandbox.CLIENT_ID);
        p.put("twoway.salesforce.client-secret", SalesforceSandbox.CLIENT_SECRET);
        return p;
    }
}
