package io.twoway.local;

import io.twoway.TwowayApplication;
import io.twoway.testsupport.LocalInfrastructure;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;

/**
 * Local run ({@code ./mvnw spring-boot:test-run}): starts embedded PostgreSQL, a KRaft Kafka broker and the Stripe
 * sandbox, then Twoway pointed at them, with no configuration needed.
 */
public final class TwowayLocalApplication {

    private static final Logger LOG = LoggerFactory.getLogger(TwowayLocalApplication.class);

    private TwowayLocalApplication() {}

    public static void main(String[] args) {
        int sandboxPort = Integer.parseInt(System.getenv().getOrDefault("SANDBOX_PORT", "12111"));
        LocalInfrastructure infra = LocalInfrastructure.start(sandboxPort);
        infra.properties().forEach(System::setProperty);
        SpringApplication.run(TwowayApplication.class, args);
        LOG.info("""

                Twoway local run is up:
                  API              http://localhost:{}/customers
                  PostgreSQL       {}
                  Kafka            {}
                  Stripe sandbox   {}   (API key {}, GET {}/v1/customers)
                  Metrics          http://localhost:{}/actuator/prometheus
                """, System.getProperty("server.port", "8080"), infra.jdbcUrl == null ? System.getenv("DATABASE_URL") : infra.jdbcUrl,
                infra.kafka.getBrokersAsString(), infra.stripe.baseUrl(), LocalInfrastructure.SANDBOX_API_KEY, infra.stripe.baseUrl(),
                System.getProperty("server.port", "8080"));
    }
}
