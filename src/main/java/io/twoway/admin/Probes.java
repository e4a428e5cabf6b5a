package io.twoway.admin;

import io.twoway.config.Roles;
import io.twoway.config.TwowayProperties;
import io.twoway.stripe.StripeGateway;
import jakarta.annotation.PreDestroy;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Operations: is each system Twoway depends on reachable, and how fast did it answer. The database is asked each
 * time. Kafka (every 5 s) and Stripe (every 30 s, since each probe spends a request of the account's rate budget) are
 * asked in the background, and a health check reads their last answers: a probe that waits out a time-out must never
 * make the readiness check itself time out. Also the outbox's backlog: read on demand for the status, and in the
 * background every 2 s for the relay's health and the metrics.
 */
@Component
public class Probes {

    private static final Duration STRIPE_EVERY = Duration.ofSeconds(30);
    private static final Duration KAFKA_EVERY = Duration.ofSeconds(5);
    private static final Duration BACKLOG_EVERY = Duration.ofSeconds(2);

    /** One answer: up or not, how long it took, and why not. */
    public record Probe(boolean up, long latencyMs, String error, Instant at) {
        public Map<String, Object> toJson() {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("up", up);
            json.put("latency_ms", latencyMs);
            json.put("error", error);
            json.put("checked_at", at.toString());
            return json;
        }
    }

    /** Unpublished outbox events and the age of the oldest, in seconds (0 when none). */
    public record Backlog(long events, long oldestAgeSeconds) {}

    private final JdbcTemplate jdbc;
    private final KafkaStats kafka;
    private final StripeGateway stripe;
    private final boolean stripeEnabled;
    private final ScheduledExecutorService background = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "twoway-probes");
        t.setDaemon(true);
        return t;
    });
    private volatile Probe lastKafka = new Probe(false, 0, "not checked yet", Instant.now());
    private volatile Probe lastStripe = new Probe(false, 0, "not checked yet", Instant.now());
    private volatile Backlog lastBacklog = new Backlog(0, 0);

    public Probes(JdbcTemplate jdbc, KafkaStats kafka, StripeGateway stripe, TwowayProperties properties, Roles roles) {
        this.jdbc = jdbc;
        this.kafka = kafka;
        this.stripe = stripe;
        // an API-only process does not probe Stripe: each probe would take a share of the account's budget from the sync
        this.stripeEnabled = properties.stripe().enabled() && (roles.has(Roles.Role.SYNC) || roles.has(Roles.Role.SCHEDULER));
        background.scheduleWithFixedDelay(() -> lastKafka = probe(kafka::ping), 0, KAFKA_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        if (stripeEnabled) {
            background.scheduleWithFixedDelay(() -> lastStripe = probe(() -> {
                stripe.ping();
                return null;
            }), 0, STRIPE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
        }
        background.scheduleWithFixedDelay(() -> {
            try {
                lastBacklog = outbox();
            } catch (RuntimeException e) {
                // the database is away: its own check says so; the last backlog read stands
            }
        }, 0, BACKLOG_EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        background.shutdownNow();
    }

    public Probe database() {
        return probe(() -> jdbc.queryForObject("select 1", Integer.class));
    }

    /** Kafka's last answer, at most 5 s old (a probe under way may take up to its 3 s time-out). */
    public Probe kafka() {
        return lastKafka;
    }

    /** Stripe's last answer, at most 30 s old; null when the integration is off, or this process's roles do not call Stripe. */
    public Probe stripe() {
        return stripeEnabled ? lastStripe : null;
    }

    /** The outbox backlog as last read, at most 2 s ago. */
    public Backlog outboxLastRead() {
        return lastBacklog;
    }

    public Backlog outbox() {
        return jdbc.queryForObject("""
                select count(*), coalesce(extract(epoch from now() - min(created_at))::bigint, 0)
                from outbox_events where published_at is null
                """, (rs, n) -> new Backlog(rs.getLong(1), rs.getLong(2)));
    }

    private static Probe probe(Callable<?> call) {
        long start = System.nanoTime();
        try {
            call.call();
            return new Probe(true, (System.nanoTime() - start) / 1_000_000, null, Instant.now());
        } catch (Exception e) {
            return new Probe(false, (System.nanoTime() - start) / 1_000_000, e.getClass().getSimpleName() + ": " + e.getMessage(), Instant.now());
        }
    }
}
