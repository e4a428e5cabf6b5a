package io.twoway.reconcile;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reconciliation and backfill: the live progress of one long run, updated by the thread that runs it and read by
 * the {@link ProgressTicker} that writes it to the run's row and the log: the phase, what is processed out of a total
 * (an estimate while it is not known yet), the rate, and named counters.
 */
public final class RunProgress {

    private final Instant started = Instant.now();
    private final AtomicLong processed = new AtomicLong();
    private final Map<String, AtomicLong> counters = new ConcurrentHashMap<>();
    private volatile String phase = "starting";
    private volatile Long total;
    private volatile boolean totalEstimated;
    private volatile boolean lost;

    /** The run's row is no longer its own: another instance took it for abandoned. */
    public void lose() {
        lost = true;
    }

    public boolean lost() {
        return lost;
    }

    /** Stops the run between two pages when the service is stopping or the run lost its row. */
    public void checkStillOurs() {
        if (Thread.currentThread().isInterrupted()) {
            throw new IllegalStateException("interrupted: the service is stopping");
        }
        if (lost) {
            throw new IllegalStateException("another instance closed this run as abandoned");
        }
    }

    public void phase(String phase) {
        this.phase = phase;
    }

    public String phase() {
        return phase;
    }

    public void processed(long n) {
        processed.addAndGet(n);
    }

    public long processed() {
        return processed.get();
    }

    public void total(long total, boolean estimated) {
        this.total = total;
        this.totalEstimated = estimated;
    }

    public void count(String counter, long n) {
        counters.computeIfAbsent(counter, k -> new AtomicLong()).addAndGet(n);
    }

    public long counter(String counter) {
        AtomicLong n = counters.get(counter);
        return n == null ? 0 : n.get();
    }

    public Map<String, Long> counters() {
        Map<String, Long> copy = new LinkedHashMap<>();
        counters.entrySet().stream().sorted(Map.Entry.comparingByKey()).forEach(e -> copy.put(e.getKey(), e.getValue().get()));
        return copy;
    }

    public double ratePerSecond() {
        double seconds = Math.max(0.001, Duration.between(started, Instant.now()).toMillis() / 1000.0);
        return processed.get() / seconds;
    }

    /** Percent done, or null while the total is unknown. */
    public Double percent() {
        Long t = total;
        return t == null ? null : t == 0 ? 100.0 : Math.min(100.0, Math.round(1000.0 * processed.get() / t) / 10.0);
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("phase", phase);
        json.put("processed", processed.get());
        json.put("total", total);
        json.put("total_estimated", totalEstimated);
        json.put("percent", percent());
        json.put("rate_per_second", Math.round(ratePerSecond() * 10) / 10.0);
        json.put("elapsed_seconds", Duration.between(started, Instant.now()).toSeconds());
        return json;
    }

    /** One log line: phase, processed of total, percent, rate. */
    public String describe() {
        Long t = total;
        return phase + ": " + processed.get() + (t == null ? "" : " of " + (totalEstimated ? "~" : "") + t + " (" + percent() + " %)")
                + ", " + Math.round(ratePerSecond()) + "/s";
    }
}
