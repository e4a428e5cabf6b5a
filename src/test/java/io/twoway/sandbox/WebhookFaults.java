package io.twoway.sandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Scripted delivery faults for the next events (drop, duplicate, delay, reorder); each counter counts on its own. */
final class WebhookFaults {

    /** What happens to one new event: {@code reorder} holds it, {@code closesBatch} releases the held batch. */
    record Plan(boolean drop, int copies, Duration delay, boolean reorder, boolean closesBatch) {
    }

    private static final class DelayRule {
        final Duration delay;
        int remaining;

        DelayRule(int remaining, Duration delay) {
            this.remaining = remaining;
            this.delay = delay;
        }
    }

    private final Deque<DelayRule> delays = new ArrayDeque<>();
    private int drop;
    private int duplicate;
    private int reorder;

    synchronized void drop(int n) {
        drop += nonNegative(n);
    }

    synchronized void duplicate(int n) {
        duplicate += nonNegative(n);
    }

    synchronized void delay(int n, Duration delay) {
        if (delay == null || delay.isNegative()) {
            throw new IllegalArgumentException("delay must be zero or positive: " + delay);
        }
        if (nonNegative(n) > 0) {
            delays.addLast(new DelayRule(n, delay));
        }
    }

    synchronized void reorder(int n) {
        reorder += nonNegative(n);
    }

    /** Consumes one unit of every active counter for a new event. */
    synchronized Plan next() {
        boolean dropIt = drop > 0;
        drop = Math.max(0, drop - 1);
        int copies = duplicate > 0 ? 2 : 1;
        duplicate = Math.max(0, duplicate - 1);
        Duration delay = Duration.ZERO;
        DelayRule rule = delays.peekFirst();
        if (rule != null) {
            delay = rule.delay;
            if (--rule.remaining <= 0) {
                delays.pollFirst();
            }
        }
        boolean held = reorder > 0;
        reorder = Math.max(0, reorder - 1);
        return new Plan(dropIt, copies, delay, held, held && reorder == 0);
    }

    synchronized void clear() {
        drop = 0;
        duplicate = 0;
        reorder = 0;
        delays.clear();
    }

    /** Remaining counters, for the HTTP status endpoint. */
    synchronized Map<String, Object> describe() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("drop", drop);
        out.put("duplicate", duplicate);
        List<Map<String, Object>> delayed = new ArrayList<>();
        for (DelayRule r : delays) {
            delayed.add(Map.of("count", r.remaining, "delay_ms", r.delay.toMillis()));
        }
        out.put("delay", delayed);
        out.put("reorder", reorder);
        return out;
    }

    private static int nonNegative(int n) {
        if (n < 0) {
            throw new IllegalArgumentException("count must be zero or positive: " + n);
        }
        return n;
    }
}
