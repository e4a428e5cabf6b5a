package io.twoway.admin;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.twoway.config.ConditionalOnRole;
import io.twoway.config.Roles;
import io.twoway.config.TwowayProperties;
import io.twoway.stripe.DeadLetterStore;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.HealthIndicator;
import org.springframework.boot.actuate.health.Status;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Operations: the readiness components beside the database's (Kafka, Stripe, the relay) and the sync's gauges
 * (outbox backlog and oldest age, open dead letters, consumer lag). Kafka or Stripe out of reach, or a stalled relay,
 * is {@code DEGRADED}: visible, answered 200, so that the API keeps taking writes into the outbox; only a database
 * out of reach makes the service not ready (503). A process checks only what its roles need ({@code TWOWAY_ROLES}):
 * the API the database alone, the relay Kafka and the outbox, the sync Kafka and Stripe, the scheduler Stripe.
 */
@Configuration(proxyBeanMethods = false)
public class OperationsHealth {

    public static final Status DEGRADED = new Status("DEGRADED");
    private static final Duration GAUGE_CACHE = Duration.ofSeconds(10);

    @Bean
    @ConditionalOnRole({Roles.Role.RELAY, Roles.Role.SYNC})
    HealthIndicator kafkaHealthIndicator(Probes probes) {
        return () -> health(probes.kafka(), "Kafka").build();
    }

    @Bean
    @ConditionalOnRole({Roles.Role.SYNC, Roles.Role.SCHEDULER})
    HealthIndicator stripeHealthIndicator(Probes probes, CircuitBreaker stripeCircuitBreaker) {
        return () -> {
            Probes.Probe probe = probes.stripe();
            if (probe == null) {
                return Health.up().withDetail("enabled", false).build();
            }
            Health.Builder health = health(probe, "Stripe").withDetail("breaker", stripeCircuitBreaker.getState().name());
            if (stripeCircuitBreaker.getState() == CircuitBreaker.State.OPEN) {
                health.status(DEGRADED).withDetail("reason", "the circuit breaker is open");
            }
            return health.build();
        };
    }

    @Bean
    @ConditionalOnRole(Roles.Role.RELAY)
    HealthIndicator relayHealthIndicator(Probes probes, TwowayProperties properties) {
        long stalledAfter = properties.outbox().stalledAfterSeconds();
        return () -> {
            Probes.Backlog backlog = probes.outboxLastRead();
            Health.Builder health = properties.outbox().relayEnabled() && backlog.oldestAgeSeconds() > stalledAfter
                    ? Health.status(DEGRADED).withDetail("reason", "the oldest unpublished event waits for more than " + stalledAfter + " s")
                    : Health.up();
            return health.withDetail("backlog", backlog.events()).withDetail("oldest_age_seconds", backlog.oldestAgeSeconds()).build();
        };
    }

    /** The sync's gauges, read from a snapshot taken at most every 10 s, so a scrape costs no query. */
    @Bean
    SyncGauges syncGauges(MeterRegistry meters, Probes probes, DeadLetterStore deadLetters, KafkaStats kafka) {
        SyncGauges gauges = new SyncGauges(probes, deadLetters, kafka);
        Gauge.builder("twoway.outbox.backlog", gauges, g -> g.current().backlog().events()).description("unpublished outbox events").register(meters);
        Gauge.builder("twoway.outbox.oldest.age", gauges, g -> g.current().backlog().oldestAgeSeconds()).baseUnit("seconds")
                .description("age of the oldest unpublished outbox event").register(meters);
        Gauge.builder("twoway.dlq.open", gauges, g -> g.current().openDeadLetters()).description("dead letters not replayed or discarded").register(meters);
        Gauge.builder("twoway.kafka.consumer.lag", gauges, g -> g.current().syncLag()).tag("group", kafka.syncGroup())
                .description("messages the Stripe sync has not committed yet (-1: unknown)").register(meters);
        return gauges;
    }

    /** The gauges' snapshot, refreshed when a read finds it older than 10 s. */
    public static final class SyncGauges {
        record Snapshot(Probes.Backlog backlog, long openDeadLetters, long syncLag, Instant at) {}

        private final Probes probes;
        private final DeadLetterStore deadLetters;
        private final KafkaStats kafka;
        private volatile Snapshot snapshot;

        SyncGauges(Probes probes, DeadLetterStore deadLetters, KafkaStats kafka) {
            this.probes = probes;
            this.deadLetters = deadLetters;
            this.kafka = kafka;
        }

        synchronized Snapshot current() {
            Snapshot s = snapshot;
            if (s == null || s.at().isBefore(Instant.now().minus(GAUGE_CACHE))) {
                long lag;
                try {
                    lag = kafka.syncLag();
                } catch (Exception e) {
                    lag = -1;
                }
                s = new Snapshot(probes.outboxLastRead(), deadLetters.count(DeadLetterStore.OPEN, null), lag, Instant.now());
                snapshot = s;
            }
            return s;
        }
    }

    private static Health.Builder health(Probes.Probe probe, String what) {
        return probe.up() ? Health.up().withDetail("latency_ms", probe.latencyMs())
                : Health.status(DEGRADED).withDetail("error", what + " does not answer: " + probe.error());
    }
}
