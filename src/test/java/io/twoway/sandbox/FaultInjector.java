package io.twoway.sandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;

/** Scripted failures and delays for the next matching requests, plus a sliding one-second rate limiter. */
final class FaultInjector {

    private static final class Rule {
        final String method;
        final String pathPrefix;
        int remaining;
        final int status;
        final Integer retryAfterSeconds;
        final Duration delay;

        Rule(String method, String pathPrefix, int times, int status, Integer retryAfterSeconds, Duration delay) {
            this.method = method;
            this.pathPrefix = pathPrefix == null ? "" : pathPrefix;
            this.remaining = times;
            this.status = status;
            this.retryAfterSeconds = retryAfterSeconds;
            this.delay = delay;
        }

        boolean matches(String m, String path) {
            return (method == null || method.equals("*") || method.equalsIgnoreCase(m)) && path.startsWith(pathPrefix);
        }
    }

    private final List<Rule> failures = new ArrayList<>();
    private final List<Rule> delays = new ArrayList<>();
    private final Deque<Long> window = new ArrayDeque<>();
    private int requestsPerSecond;

    synchronized void failNext(String method, String pathPrefix, int times, int status, Integer retryAfterSeconds) {
        if (times > 0) {
            failures.add(new Rule(method, pathPrefix, times, status, retryAfterSeconds, null));
        }
    }

    synchronized void delayNext(String method, String pathPrefix, int times, Duration delay) {
        if (times > 0) {
            delays.add(new Rule(method, pathPrefix, times, 0, null, delay));
        }
    }

    /** Consumes one matching failure rule and returns the error to answer with. */
    synchronized Optional<SandboxResponse> nextFailure(String method, String path) {
        Rule rule = consume(failures, method, path);
        if (rule == null) {
            return Optional.empty();
        }
        SandboxResponse r = StripeErrors.forStatus(rule.status);
        return Optional.of(rule.retryAfterSeconds == null ? r
                : r.withHeader("Retry-After", String.valueOf(rule.retryAfterSeconds)));
    }

    /** Consumes one matching delay rule. */
    synchronized Optional<Duration> nextDelay(String method, String path) {
        Rule rule = consume(delays, method, path);
        return rule == null ? Optional.empty() : Optional.of(rule.delay);
    }

    synchronized void rateLimit(int requestsPerSecond) {
        this.requestsPerSecond = Math.max(0, requestsPerSecond);
        window.clear();
    }

    /** True when the request fits the limit (and counts it); false means answer 429. */
    synchronized boolean admit() {
        if (requestsPerSecond == 0) {
            return true;
        }
        long now = System.nanoTime();
        while (!window.isEmpty() && now - window.peekFirst() >= 1_000_000_000L) {
            window.pollFirst();
        }
        if (window.size() >= requestsPerSecond) {
            return false;
        }
        window.addLast(now);
        return true;
    }

    synchronized void clearFaults() {
        failures.clear();
        delays.clear();
    }

    /** Clears faults and the rate-limit window (the configured limit stays). */
    synchronized void reset() {
        clearFaults();
        window.clear();
    }

    private static Rule consume(List<Rule> rules, String method, String path) {
        for (Iterator<Rule> it = rules.iterator(); it.hasNext(); ) {
            Rule rule = it.next();
            if (rule.matches(method, path)) {
                if (--rule.remaining <= 0) {
                    it.remove();
                }
                return rule;
            }
        }
        return null;
    }
}
