package io.twoway.admin;

import io.twoway.config.TwowayProperties;
import io.twoway.stripe.StripeGateway;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Operations: is each system Twoway depends on reachable, and how fast did it answer. The database and Kafka are
 * asked each time; Stripe at most every 30 s, since each probe spends a request of the account's rate budget. Also
 * the outbox's backlog, for the status, the relay's health and the metrics.
 */
@Component
public class Probes {

    private static final Duration STRIPE_EVERY = Duration.ofSeconds(30);

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
    private volatile Probe lastStripe;

    public Probes(JdbcTemplate jdbc, KafkaStats kafka, StripeGateway stripe, TwowayProperties properties) {
        this.jdbc = jdbc;
        this.kafka = kafka;
        this.stripe = stripe;
        this.stripeEnabled = properties.stripe().enabled();
    }

    public Probe database() {
        return probe(() -> jdbc.queryForObject("select 1", Integer.class));
    }

    public Probe kafka() {
        return probe(kafka::ping);
    }

    /** Stripe, from a cache of 30 s; null when the integration is off. */
    public Probe stripe() {
        if (!stripeEnabled) {
            return null;
        }
        Probe last = lastStripe;
        if (last == null || last.at().isBefore(Instant.now().minus(STRIPE_EVERY))) {
            last = probe(() -> {
                stripe.ping();
                return null;
            });
            lastStripe = last;
        }
        return last;
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
