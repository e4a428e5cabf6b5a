package io.twoway.config;

import java.util.Arrays;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Configuration: the typed view of the {@code twoway.*} settings that Java code reads (routes read placeholders). */
@ConfigurationProperties("twoway")
public record TwowayProperties(String version, Api api, Kafka kafka, Outbox outbox, Stripe stripe, Salesforce salesforce, Webhook webhook,
                               Conflicts conflicts, Reconciliation reconciliation, Catchup catchup, Retry retry,
                               Breaker breaker, Console console) {

    /** The API server: where it listens, its request limits, and who may call it. */
    public record Api(String host, int port, int maxBodyBytes, int maxPageSize, int warmupRequests, String tokens, boolean authDisabled,
                      int rateLimit) {

        /** The configured tokens, trimmed, empty ones dropped. */
        public List<String> tokenList() {
            return tokens == null ? List.of() : Arrays.stream(tokens.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList();
        }
    }

    public record Kafka(String bootstrapServers, String customerTopic, String dlqTopic, int partitions,
                        short replicationFactor, String consumerGroup, int consumers, int maxPollIntervalMs) {}

    public record Outbox(boolean relayEnabled, int batchSize, long pollIntervalMs, long retentionHours, long pruneIntervalMs, long ledgerRetentionHours,
                         long stalledAfterSeconds) {}

    /** {@code rateLimit} is the account's: the instances share it (renewing their shares' leases every {@code rateShareRenewMs}). */
    public record Stripe(boolean enabled, String apiBase, String apiKey, double rateLimit, long rateMarginMs, long rateShareRenewMs,
                         long rateShareLeaseMs, int connectTimeoutMs, int readTimeoutMs, String deletedCustomerAction) {}

    /**
     * Salesforce: the connected app (client credentials), the API version, the share of the org's daily API limit
     * Twoway may use, the outward batch sender and the inward poller.
     */
    public record Salesforce(boolean enabled, String loginUrl, String clientId, String clientSecret, String apiVersion,
                             String integrationUserId, long dailyApiBudget, int budgetSlowdownPercent, long budgetCheckSeconds,
                             String consumerGroup, String dlqTopic, int batchSize, long sendIntervalMs, String deleteMode,
                             long pollIntervalSeconds, long pollOverlapSeconds, int connectTimeoutMs, int readTimeoutMs) {

        public boolean deactivateOnDelete() {
            return "deactivate".equals(deleteMode);
        }
    }

    /** Inward sync: webhook verification and the apply pipeline. */
    public record Webhook(String secret, long toleranceSeconds, int timeoutSeconds, int maxBodyBytes, int applyConcurrency, int queueSize,
                          long sweepIntervalMs, long sweepAfterSeconds, long retentionHours) {}

    /** Conflict handling: the strategy (flag, reject, merge, auto_rename) and whether it may resolve on its own. */
    public record Conflicts(String strategy, boolean autoResolve) {}

    /** Reconciliation and backfill: the schedule, the repair policy, paging, and how a run reports and is watched. */
    public record Reconciliation(boolean enabled, String cron, boolean autoResolve, String sourceOfTruth, int localPageSize,
                                 long graceSeconds, long progressLogSeconds, long abandonAfterSeconds) {}

    /** Catch-up from Stripe's event log: how often, how far back each read starts, and how long Stripe keeps events. */
    public record Catchup(boolean enabled, long intervalSeconds, long overlapSeconds, long retentionDays) {}

    /** Redelivery policy for transient failures; delays in seconds as the seed's variables give them. */
    public record Retry(int maxAttempts, double initialDelaySeconds, double maxDelaySeconds) {
        public long initialDelayMs() {
            return Math.round(initialDelaySeconds * 1000);
        }

        public long maxDelayMs() {
            return Math.round(maxDelaySeconds * 1000);
        }
    }

    public record Breaker(int failureThreshold, double openSeconds) {}

    /** The operator console: how often its charts' history takes a point. */
    public record Console(long historyIntervalSeconds) {}
}
