package io.twoway.local;

import io.twoway.TwowayApplication;
import io.twoway.salesforcesandbox.SalesforceSandbox;
import io.twoway.testsupport.LocalInfrastructure;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;

/**
 * Local run ({@code ./mvnw spring-boot:test-run}): starts embedded PostgreSQL, a KRaft Kafka broker and the Stripe
 * sandbox, then Twoway pointed at them, with no configuration needed.
 */
public final class TwowayLocalApplication {

    private static final Logger LOG = LoggerFactory.getLogger(TwowayLocalApplication.class);

    private TwowayLocalApplication() {}

    /** The embedded broker and database talk a lot at INFO; the local run's console is for Twoway. */
    private static final List<String> QUIET = List.of("kafka", "state.change.logger", "org.apache.kafka", "io.zonky", "org.apache.camel.component.kafka");

    public static void main(String[] args) {
        for (String logger : QUIET) {
            ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(logger)).setLevel(ch.qos.logback.classic.Level.WARN);
            System.setProperty("logging.level." + logger, "WARN");
        }
        int sandboxPort = Integer.parseInt(System.getenv().getOrDefault("SANDBOX_PORT", "12111"));
        int salesforcePort = Integer.parseInt(System.getenv().getOrDefault("SALESFORCE_SANDBOX_PORT", "12112"));
        LocalInfrastructure infra;
        try {
            infra = LocalInfrastructure.start(sandboxPort, salesforcePort);
        } catch (RuntimeException e) {
            // the embedded broker's threads would keep the JVM alive: say what failed and leave
            System.err.println("Local run could not start: " + e.getMessage() + (e.getCause() == null ? "" : " (" + e.getCause().getMessage() + ")")
                    + ". Is another local run still up? SANDBOX_PORT and SALESFORCE_SANDBOX_PORT choose other sandbox ports.");
            System.exit(1);
            return;
        }
        // like Stripe's test mode: more than 25 requests/s are answered 429
        infra.stripe.rateLimit(25);
        infra.properties().forEach(System::setProperty);
        // Salesforce too, polled every 2 s so that an edit made there shows quickly
        setDefault("twoway.salesforce.enabled", "SALESFORCE_INTEGRATION_ENABLED", "true");
        setDefault("twoway.salesforce.poll-interval-seconds", "SALESFORCE_POLL_INTERVAL_SECONDS", "2");
        // the sandbox's webhooks come back to this service, signed with a secret made for this run
        String webhookSecret = "whsec_local_" + UUID.randomUUID().toString().replace("-", "");
        System.setProperty("twoway.webhook.secret", webhookSecret);
        // an API token made for this run, unless API_TOKEN gives one
        String token = System.getenv().getOrDefault("API_TOKEN", "tw_local_" + UUID.randomUUID().toString().replace("-", ""));
        System.setProperty("twoway.api.tokens", token);
        ConfigurableApplicationContext context;
        try {
            context = SpringApplication.run(TwowayApplication.class, args);
        } catch (RuntimeException e) {
            System.err.println("Local run could not start Twoway: " + e.getMessage() + " (the log above says more)");
            System.exit(1);
            return;
        }
        String port = context.getEnvironment().getProperty("twoway.api.port", "8080");
        String managementPort = context.getEnvironment().getProperty("local.server.port", "8081");
        infra.stripe.webhook("http://localhost:" + port + "/webhooks/stripe", webhookSecret);
        LOG.info("""

                Twoway local run is up:
                  API              http://localhost:{}/customers   (every endpoint but /webhooks and /actuator/health asks for the token)
                  Console          http://localhost:{}/console   (the browser asks: any user name, the token as the password)
                  API token        {}
                  PostgreSQL       {}
                  Kafka            {}
                  Stripe sandbox   {}   (API key {}, GET {}/v1/customers)
                  Webhooks         sandbox -> http://localhost:{}/webhooks/stripe (signed; controls at {}/_sandbox/webhooks)
                  Salesforce       {}   (Contacts; polled every {} s; an admin's token: POST {}/services/oauth2/token with {}/{})
                  Conflicts        http://localhost:{}/admin/conflicts
                  Reconciliation   {} (POST /admin/reconciliation/run; reports at /admin/reconciliation/reports)
                  Backfill         POST /admin/backfill imports what Stripe held before; catch-up: /admin/catchup
                  Operations       /admin/status, /admin/dlq, /admin/customers/<id>/timeline; API docs at http://localhost:{}/docs
                  Health, metrics  http://localhost:{}/actuator/health, /actuator/prometheus; Hawtio at http://localhost:{}/hawtio

                Try it:
                  export TWOWAY_TOKEN={}
                  curl -s -X POST localhost:{}/customers -H "Authorization: Bearer $TWOWAY_TOKEN" -H 'Content-Type: application/json' -d '{"name":"Ada Lovelace","email":"ada@example.com"}'
                  curl -s -u {}: {}/v1/customers -d name="Grace Hopper" -d email=grace@example.com   # made in Stripe
                  curl -s -H "Authorization: Bearer $TWOWAY_TOKEN" localhost:{}/customers             # both, synced
                  curl -s {}/_sandbox/contacts                                                     # and in Salesforce
                """, port, port, token, infra.jdbcUrl == null ? System.getenv("DATABASE_URL") : infra.jdbcUrl,
                infra.kafka.getBrokersAsString(), infra.stripe.baseUrl(), LocalInfrastructure.SANDBOX_API_KEY, infra.stripe.baseUrl(),
                port, infra.stripe.baseUrl(), infra.salesforce.baseUrl(), context.getEnvironment().getProperty("twoway.salesforce.poll-interval-seconds"),
                infra.salesforce.baseUrl(), SalesforceSandbox.ADMIN_CLIENT_ID, SalesforceSandbox.ADMIN_CLIENT_SECRET,
                port, schedule(context.getEnvironment()), port, managementPort, managementPort, token, port,
                LocalInfrastructure.SANDBOX_API_KEY, infra.stripe.baseUrl(), port, infra.salesforce.baseUrl());
    }

    /** A setting the local run chooses, unless the environment variable (or a system property) chose already. */
    private static void setDefault(String property, String variable, String value) {
        if (System.getProperty(property) == null) {
            System.setProperty(property, System.getenv().getOrDefault(variable, value));
        }
    }

    private static String schedule(Environment env) {
        return Boolean.parseBoolean(env.getProperty("twoway.reconciliation.enabled", "true"))
                ? "cron '" + env.getProperty("twoway.reconciliation.cron") + "'" : "schedule off";
    }
}
