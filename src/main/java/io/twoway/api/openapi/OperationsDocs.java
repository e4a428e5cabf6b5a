package io.twoway.api.openapi;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.media.Schema.RequiredMode;
import java.util.List;
import java.util.Map;

/**
 * API description: the bodies of the operators' endpoints ({@code /admin/status}, {@code /admin/kafka/stats},
 * {@code /admin/integrations/status}, {@code /admin/metrics/history}, {@code /admin/customers/search} and
 * {@code /admin/customers/{id}/timeline}). Documentation models only.
 */
public final class OperationsDocs {

    private OperationsDocs() {}

    @Schema(name = "OperationsStatus", description = "The service at a glance.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record OperationsStatus(
            @Schema(requiredMode = RequiredMode.REQUIRED) Dependencies dependencies,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Outbox events not yet relayed to Kafka.",
                    example = "{\"backlog\": 0, \"oldest_unpublished_age_seconds\": 0}") Object outbox,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Total lag per consumer group (error: why it could not be read).",
                    example = "{\"twoway-stripe-sync\": 0}") Map<String, Object> consumerLag,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "{\"open\": 0, \"total\": 3}") Object deadLetters,
            @Schema(requiredMode = RequiredMode.REQUIRED) Breaker breaker,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Every Camel route, by id.") List<RouteState> routes,
            @Schema(nullable = true, description = "The newest reconciliation report: id, status, trigger, started_at, finished_at, counts, error.")
            Object lastReconciliation,
            @Schema(requiredMode = RequiredMode.REQUIRED) ReconciliationDocs.CatchupStatus catchup) {
    }

    @Schema(name = "Dependencies", description = "What the service depends on, each probed now.")
    public record Dependencies(
            @Schema(requiredMode = RequiredMode.REQUIRED) Probe database,
            @Schema(requiredMode = RequiredMode.REQUIRED) Probe kafka,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "A Probe, or {\"enabled\": false} when STRIPE_INTEGRATION_ENABLED is false.")
            Object stripe) {
    }

    @Schema(name = "Probe", description = "One dependency's answer to a probe.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Probe(
            @Schema(requiredMode = RequiredMode.REQUIRED) boolean up,
            @Schema(requiredMode = RequiredMode.REQUIRED) long latencyMs,
            @Schema(nullable = true) String error,
            @Schema(requiredMode = RequiredMode.REQUIRED, format = "date-time") String checkedAt) {
    }

    @Schema(name = "Breaker", description = "The Stripe circuit breaker.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Breaker(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "closed", description = "closed, open, half_open, and the like.") String state,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Percent of failed calls; -1 until enough calls were made.") double failureRate,
            @Schema(requiredMode = RequiredMode.REQUIRED) long notPermittedCalls) {
    }

    @Schema(name = "RouteState", description = "One Camel route: its state, and its exchange counts where JMX statistics are on.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record RouteState(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "stripe-customer-sync") String id,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "started") String state,
            @Schema(requiredMode = RequiredMode.REQUIRED) int inflight,
            Long exchangesTotal,
            Long exchangesFailed,
            Long lastProcessingTimeMs) {
    }

    @Schema(name = "OperationsStatusEnvelope", description = "Success envelope with the service's status.")
    public record OperationsStatusEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED) OperationsStatus data) {
    }

    @Schema(name = "KafkaStats", description = "Kafka's own view: the customer topic and its DLQ, and every consumer group on them.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record KafkaStats(
            @Schema(requiredMode = RequiredMode.REQUIRED) List<KafkaTopic> topics,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Groups with committed offsets on those topics.") List<ConsumerGroup> consumerGroups) {
    }

    @Schema(name = "KafkaTopic", description = "A topic with the end offset of each partition.")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record KafkaTopic(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "customer_events") String topic,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "[{\"partition\": 0, \"end_offset\": 120}]") List<Object> partitions,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "The sum of the end offsets.") long messagesTotal) {
    }

    @Schema(name = "ConsumerGroup", description = "A consumer group's lag, in total and per partition.")
    public record ConsumerGroup(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "twoway-stripe-sync") String group,
            @Schema(requiredMode = RequiredMode.REQUIRED) long lag,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "[{\"topic\": \"customer_events\", \"partition\": 0, "
                    + "\"committed_offset\": 118, \"end_offset\": 120, \"lag\": 2}]") List<Object> partitions) {
    }

    @Schema(name = "KafkaStatsEnvelope", description = "Success envelope with Kafka's view.")
    public record KafkaStatsEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED) KafkaStats data) {
    }

    @Schema(name = "Integration", description = "One integration Twoway knows, enabled or not; an enabled one carries its consumer, breaker and "
            + "recent activity (counted since this instance started).")
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Integration(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = {"stripe", "salesforce"}) String name,
            @Schema(requiredMode = RequiredMode.REQUIRED) boolean enabled,
            @Schema(description = "Stripe: its outward route.", example = "stripe-customer-sync") String route,
            @Schema(description = "Its routes.") List<String> routes,
            @Schema(example = "twoway-stripe-sync") String consumerGroup,
            @Schema(description = "Its dead-letter topic.", example = "customer_events_dlq") String dlqTopic,
            Breaker breaker,
            @Schema(description = "Stripe: STRIPE_RATE_LIMIT.") Integer rateLimitPerSecond,
            @Schema(description = "Stripe: the account's per-second budget, split between the instances that send now "
                    + "(this_instance_per_second, sharing_instances, members).") Map<String, Object> rateBudget,
            @Schema(description = "Salesforce: the daily API budget (daily_budget, org_daily_limit, used, remaining, slowdown_at, "
                    + "spacing_ms, state open | slowed | stopped, stopped_since).") Map<String, Object> apiBudget,
            @Schema(description = "Salesforce: changes staged to send (staged, retrying, oldest_age_seconds).") Map<String, Object> outbound,
            @Schema(description = "Salesforce: the inward poller (mode, last_read, cursor_modstamp, cursor_deleted, deletes_gap_since).")
            Map<String, Object> inbound,
            @Schema(nullable = true, format = "date-time") String lastSuccessAt,
            @Schema(nullable = true, format = "date-time") String lastFailureAt,
            @Schema(nullable = true) String lastFailure,
            Long applied,
            Long failedAttempts,
            Long deadLettered,
            @Schema(example = "this instance's start") String countedSince) {
    }

    @Schema(name = "IntegrationListEnvelope", description = "Success envelope with every integration.")
    public record IntegrationListEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED) List<Integration> data) {
    }

    @Schema(name = "CustomerTimeline", description = "One customer's story, oldest first, from what the service keeps (each source its newest "
            + "500 entries; the outbox only for OUTBOX_RETENTION_HOURS).")
    public record CustomerTimeline(
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "The customer now (deleted ones too): id, name, email, stripe_customer_id, "
                    + "is_active, version, origin.") Object customer,
            @Schema(requiredMode = RequiredMode.REQUIRED) List<TimelineEntry> entries) {
    }

    @Schema(name = "TimelineEntry", description = "One thing that happened to the customer.")
    public record TimelineEntry(
            @Schema(requiredMode = RequiredMode.REQUIRED, format = "date-time") String at,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "change, kafka, stripe_call, salesforce_call, dead_letter, "
                    + "dead_letter_replay, dead_letter_discard, stripe_event, salesforce_event, conflict or reconciliation.", example = "change") String kind,
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "customer.updated v2 from api") String summary,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "The ids and values behind the entry (event id, correlation id, Kafka "
                    + "partition and offset, ...).") Object details) {
    }

    @Schema(name = "CustomerTimelineEnvelope", description = "Success envelope with a customer's timeline.")
    public record CustomerTimelineEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED) CustomerTimeline data) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(name = "MetricsPoint", description = "How much each counter grew in one interval.")
    public record MetricsPoint(
            @Schema(requiredMode = RequiredMode.REQUIRED, format = "date-time", description = "The end of the interval.") String at,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Outbox events relayed to Kafka.") long relayed,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Webhooks received (every type and outcome).") long webhooks,
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Stripe calls by outcome: success, client_error, "
                    + "rate_limited, server_error, io_error.") Map<String, Long> stripeCalls) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @Schema(name = "MetricsHistory", description = "The last hour, one point per interval, oldest first; this instance's counters.")
    public record MetricsHistory(
            @Schema(requiredMode = RequiredMode.REQUIRED, example = "60") long intervalSeconds,
            @Schema(requiredMode = RequiredMode.REQUIRED) List<MetricsPoint> points) {
    }

    @Schema(name = "MetricsHistoryEnvelope", description = "Success envelope with the counters' last hour.")
    public record MetricsHistoryEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED) MetricsHistory data) {
    }

    @Schema(name = "CustomerSearch", description = "Customers that match, newest first, at most 20.")
    public record CustomerSearch(
            @Schema(requiredMode = RequiredMode.REQUIRED, description = "Each: id, name, email, stripe_customer_id, is_active, version, origin.")
            List<Object> items) {
    }

    @Schema(name = "CustomerSearchEnvelope", description = "Success envelope with the matching customers.")
    public record CustomerSearchEnvelope(
            @Schema(requiredMode = RequiredMode.REQUIRED, allowableValues = "success") String status,
            @Schema(requiredMode = RequiredMode.REQUIRED) CustomerSearch data) {
    }
}
