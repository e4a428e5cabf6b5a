package io.twoway.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.twoway.config.TwowayProperties;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Operations: the last hour of the sync's counters, per interval, for the console's charts (route
 * {@code metrics-history-sample}): events relayed, Stripe calls by outcome and webhooks received. Read from the
 * Micrometer counters, so the figures are this instance's since its start; nothing is stored.
 */
@Component("metricsHistory")
public class MetricsHistory {

    static final List<String> OUTCOMES = List.of("success", "client_error", "rate_limited", "server_error", "io_error");

    private final MeterRegistry meters;
    private final int keep;
    private final long intervalSeconds;
    private final Deque<Map<String, Object>> points = new ArrayDeque<>();
    private Map<String, Double> last;

    public MetricsHistory(MeterRegistry meters, TwowayProperties properties) {
        this.meters = meters;
        this.intervalSeconds = properties.console().historyIntervalSeconds();
        this.keep = (int) Math.max(1, 3600 / intervalSeconds);
    }

    /** Takes one point: how much each counter grew since the last one. */
    public synchronized void sample() {
        Map<String, Double> now = totals();
        if (last != null) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("at", Instant.now().toString());
            point.put("relayed", delta(now, last, "relayed"));
            point.put("webhooks", delta(now, last, "webhooks"));
            Map<String, Long> calls = new LinkedHashMap<>();
            OUTCOMES.forEach(outcome -> calls.put(outcome, delta(now, last, "stripe." + outcome)));
            point.put("stripe_calls", calls);
            points.addLast(point);
            while (points.size() > keep) {
                points.removeFirst();
            }
        }
        last = now;
    }

    public synchronized Map<String, Object> history() {
        Map<String, Object> history = new LinkedHashMap<>();
        history.put("interval_seconds", intervalSeconds);
        history.put("points", new ArrayList<>(points));
        return history;
    }

    private Map<String, Double> totals() {
        Map<String, Double> totals = new LinkedHashMap<>();
        totals.put("relayed", sum("twoway.outbox.relayed", null, null));
        totals.put("webhooks", sum("twoway.webhooks.received", null, null));
        OUTCOMES.forEach(outcome -> totals.put("stripe." + outcome, sum("twoway.stripe.calls", "outcome", outcome)));
        return totals;
    }

    private double sum(String name, String tag, String value) {
        var search = meters.find(name);
        if (tag != null) {
            search = search.tag(tag, value);
        }
        return search.counters().stream().mapToDouble(Counter::count).sum();
    }

    private static long delta(Map<String, Double> now, Map<String, Double> before, String key) {
        return Math.max(0, Math.round(now.get(key) - before.get(key)));
    }
}
