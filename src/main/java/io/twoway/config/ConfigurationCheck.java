package io.twoway.config;

import java.net.URI;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import org.quartz.CronExpression;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;

/**
 * Configuration: checks the settings Twoway reads before anything starts, so that a malformed value (a negative retry
 * count, a word where a number belongs) stops start-up with one line naming the environment variable.
 */
public class ConfigurationCheck implements EnvironmentPostProcessor, Ordered {

    private record Rule(String variable, String property, Predicate<String> valid, String expectation) {}

    private static final List<Rule> RULES = List.of(
            new Rule("TWOWAY_ROLES", Roles.PROPERTY, Roles::valid, "must be a comma-separated list of api, relay, sync, scheduler"),
            whole("MAX_RETRY_ATTEMPTS", "twoway.retry.max-attempts", 0, 100),
            positive("INITIAL_RETRY_DELAY", "twoway.retry.initial-delay-seconds"),
            positive("MAX_RETRY_DELAY", "twoway.retry.max-delay-seconds"),
            whole("KAFKA_PARTITION_COUNT", "twoway.kafka.partitions", 1, 10_000),
            whole("KAFKA_REPLICATION_FACTOR", "twoway.kafka.replication-factor", 1, 32),
            whole("KAFKA_CONSUMERS_COUNT", "twoway.kafka.consumers", 1, 1_000),
            whole("DB_POOL_SIZE", "spring.datasource.hikari.maximum-pool-size", 1, 1_000),
            positive("STRIPE_RATE_LIMIT", "twoway.stripe.rate-limit"),
            whole("OUTBOX_BATCH_SIZE", "twoway.outbox.batch-size", 1, 10_000),
            whole("OUTBOX_POLL_INTERVAL_MS", "twoway.outbox.poll-interval-ms", 1, 3_600_000),
            whole("OUTBOX_RETENTION_HOURS", "twoway.outbox.retention-hours", 1, 100_000),
            whole("CIRCUIT_BREAKER_FAILURE_THRESHOLD", "twoway.breaker.failure-threshold", 1, 1_000),
            positive("CIRCUIT_BREAKER_OPEN_SECONDS", "twoway.breaker.open-seconds"),
            bool("STRIPE_INTEGRATION_ENABLED", "twoway.stripe.enabled"),
            bool("OUTBOX_RELAY_ENABLED", "twoway.outbox.relay-enabled"),
            whole("WEBHOOK_TOLERANCE_SECONDS", "twoway.webhook.tolerance-seconds", 1, 86_400),
            whole("WEBHOOK_TIMEOUT", "twoway.webhook.timeout-seconds", 1, 300),
            whole("WEBHOOK_RETENTION_HOURS", "twoway.webhook.retention-hours", 72, 100_000),
            whole("WEBHOOK_APPLY_CONCURRENCY", "twoway.webhook.apply-concurrency", 1, 256),
            whole("WEBHOOK_SWEEP_INTERVAL_MS", "twoway.webhook.sweep-interval-ms", 100, 3_600_000),
            whole("DB_CONNECT_TIMEOUT_MS", "spring.datasource.hikari.connection-timeout", 250, 600_000),
            new Rule("CONFLICT_RESOLUTION_STRATEGY", "twoway.conflicts.strategy",
                    v -> List.of("flag", "reject", "merge", "auto_rename").contains(v), "must be one of flag, reject, merge, auto_rename"),
            bool("AUTO_RESOLVE_CONFLICTS", "twoway.conflicts.auto-resolve"),
            new Rule("STRIPE_WEBHOOK_SECRET", "twoway.webhook.secret", ConfigurationCheck::webhookSecrets,
                    "must be empty or comma-separated whsec_… secrets"),
            bool("RECONCILIATION_ENABLED", "twoway.reconciliation.enabled"),
            whole("RECONCILIATION_HOUR", "twoway.reconciliation.hour", 0, 23),
            whole("RECONCILIATION_MINUTE", "twoway.reconciliation.minute", 0, 59),
            new Rule("RECONCILIATION_CRON", "twoway.reconciliation.cron", CronExpression::isValidExpression,
                    "must be a Quartz cron expression (seconds minutes hours day-of-month month day-of-week), e.g. '0 0 2 * * ?'"),
            bool("RECONCILIATION_AUTO_RESOLVE", "twoway.reconciliation.auto-resolve"),
            new Rule("RECONCILIATION_SOURCE_OF_TRUTH", "twoway.reconciliation.source-of-truth",
                    v -> List.of("local", "stripe", "newest").contains(v), "must be one of local, stripe, newest"),
            whole("RECONCILIATION_GRACE_SECONDS", "twoway.reconciliation.grace-seconds", 0, 86_400),
            bool("EVENTS_CATCHUP_ENABLED", "twoway.catchup.enabled"),
            whole("EVENTS_CATCHUP_INTERVAL", "twoway.catchup.interval-seconds", 1, 86_400),
            bool("AUTH_DISABLED", "twoway.api.auth-disabled"),
            new Rule("STRIPE_DELETED_CUSTOMER_ACTION", "twoway.stripe.deleted-customer-action",
                    v -> List.of("deactivate", "recreate").contains(v), "must be deactivate or recreate"),
            whole("LEDGER_RETENTION_HOURS", "twoway.outbox.ledger-retention-hours", 72, 100_000),
            whole("API_RATE_LIMIT", "twoway.api.rate-limit", 0, 1_000_000),
            new Rule("API_TOKEN", "twoway.api.tokens", ConfigurationCheck::tokens,
                    "must be one or more comma-separated tokens of 16 to 256 characters (letters, digits, - _ . ~ + /)"),
            bool("ENABLE_METRICS", "management.prometheus.metrics.export.enabled"),
            new Rule("STRIPE_API_BASE", "twoway.stripe.api-base", ConfigurationCheck::isHttpUrl, "must be an http(s) URL"),
            bool("SALESFORCE_INTEGRATION_ENABLED", "twoway.salesforce.enabled"),
            new Rule("SALESFORCE_LOGIN_URL", "twoway.salesforce.login-url", ConfigurationCheck::isHttpUrl, "must be an http(s) URL"),
            new Rule("SALESFORCE_API_VERSION", "twoway.salesforce.api-version", v -> v.matches("v\\d{2,3}\\.0"), "must look like v62.0"),
            whole("SALESFORCE_DAILY_API_BUDGET", "twoway.salesforce.daily-api-budget", 1, 1_000_000_000),
            whole("SALESFORCE_BUDGET_SLOWDOWN_PERCENT", "twoway.salesforce.budget-slowdown-percent", 1, 100),
            whole("SALESFORCE_BUDGET_CHECK_SECONDS", "twoway.salesforce.budget-check-seconds", 1, 86_400),
            whole("SALESFORCE_BATCH_SIZE", "twoway.salesforce.batch-size", 1, 200),
            whole("SALESFORCE_SEND_INTERVAL_MS", "twoway.salesforce.send-interval-ms", 10, 3_600_000),
            whole("SALESFORCE_POLL_INTERVAL_SECONDS", "twoway.salesforce.poll-interval-seconds", 1, 86_400),
            whole("SALESFORCE_POLL_OVERLAP_SECONDS", "twoway.salesforce.poll-overlap-seconds", 0, 3_600),
            new Rule("SALESFORCE_DELETE_MODE", "twoway.salesforce.delete-mode", v -> List.of("delete", "deactivate").contains(v),
                    "must be delete or deactivate"));

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        for (Rule rule : RULES) {
            String value = environment.getProperty(rule.property());
            if (value != null && !rule.valid().test(value.trim())) {
                boolean secret = rule.variable().contains("SECRET") || rule.variable().contains("TOKEN");
                throw new InvalidConfigurationException(rule.variable(), secret ? "'<hidden>'" : "'" + value + "'", rule.expectation());
            }
        }
        boolean stripeEnabled = Boolean.parseBoolean(environment.getProperty("twoway.stripe.enabled", "true").trim());
        String key = environment.getProperty("twoway.stripe.api-key", "").trim();
        if (stripeEnabled && !(key.startsWith("sk_") || key.startsWith("rk_"))) {
            throw new InvalidConfigurationException("STRIPE_API_KEY", key.isEmpty() ? "''" : "'<hidden>'",
                    "must be a Stripe secret key (sk_test_…, sk_live_… or rk_…) while STRIPE_INTEGRATION_ENABLED is true");
        }
        boolean salesforceEnabled = Boolean.parseBoolean(environment.getProperty("twoway.salesforce.enabled", "false").trim());
        for (String[] required : new String[][] {{"SALESFORCE_CLIENT_ID", "twoway.salesforce.client-id"}, {"SALESFORCE_CLIENT_SECRET", "twoway.salesforce.client-secret"}}) {
            if (salesforceEnabled && environment.getProperty(required[1], "").isBlank()) {
                throw new InvalidConfigurationException(required[0], "''", "must be set while SALESFORCE_INTEGRATION_ENABLED is true (the connected app's "
                        + "OAuth client credentials)");
            }
        }
        boolean authDisabled = Boolean.parseBoolean(environment.getProperty("twoway.api.auth-disabled", "false").trim());
        if (!authDisabled && environment.getProperty("twoway.api.tokens", "").isBlank()) {
            throw new InvalidConfigurationException("API_TOKEN", "''",
                    "must be set: every endpoint but the webhooks and /actuator/health asks for a token (AUTH_DISABLED=true serves without one)");
        }
        double initial = Double.parseDouble(environment.getProperty("twoway.retry.initial-delay-seconds", "1"));
        double max = Double.parseDouble(environment.getProperty("twoway.retry.max-delay-seconds", "60"));
        if (max < initial) {
            throw new InvalidConfigurationException("MAX_RETRY_DELAY", "'" + max + "'", "must not be smaller than INITIAL_RETRY_DELAY (" + initial + ")");
        }
    }

    private static Rule whole(String variable, String property, long min, long max) {
        return new Rule(variable, property, v -> {
            try {
                long n = Long.parseLong(v);
                return n >= min && n <= max;
            } catch (NumberFormatException e) {
                return false;
            }
        }, "must be a whole number from " + min + " to " + max);
    }

    private static Rule positive(String variable, String property) {
        return new Rule(variable, property, v -> {
            try {
                double n = Double.parseDouble(v);
                return n > 0 && Double.isFinite(n);
            } catch (NumberFormatException e) {
                return false;
            }
        }, "must be a number greater than 0");
    }

    private static Rule bool(String variable, String property) {
        return new Rule(variable, property, v -> v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false"), "must be true or false");
    }

    private static boolean webhookSecrets(String value) {
        return value.isEmpty() || Arrays.stream(value.split(",")).map(String::trim).allMatch(s -> s.startsWith("whsec_") && s.length() > 6);
    }

    private static boolean tokens(String value) {
        return value.isEmpty() || Arrays.stream(value.split(",")).map(String::trim).allMatch(t -> t.matches("[A-Za-z0-9\\-_.~+/]{16,256}"));
    }

    private static boolean isHttpUrl(String value) {
        try {
            URI uri = new URI(value);
            return ("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null;
        } catch (Exception e) {
            return false;
        }
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
