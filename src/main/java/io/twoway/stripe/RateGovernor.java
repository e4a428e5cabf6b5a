package io.twoway.stripe;

import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Outward sync: keeps this instance within Stripe's rate limit, and holds every sender back after a 429 for as long
 * as Stripe's {@code Retry-After} asks.
 *
 * <p>Stripe counts the requests that arrive in a sliding one-second window. The governor keeps, for each of the last
 * {@code limit} requests, the latest time it can have arrived at Stripe, and lets the next request go one second after
 * the oldest of those. So at most {@code limit} requests arrive in any window, however the senders bunch up, and a
 * slot no sender used is not lost: after a gap the senders catch up at once.
 *
 * <p>A request arrives after it leaves and before its answer does: its bound is the earlier of its answer's time and its
 * send time plus a margin for the way there ({@code STRIPE_RATE_MARGIN_MS}, default 100 ms). On a short round trip
 * the answer decides, and the limit is used almost whole however slowly a loaded machine moves the request; while a
 * request is in flight, or on a long round trip, the margin decides. Under a steady backlog that gives
 * {@code limit / (1 s + min(round trip, margin))}. A fixed interval of 1.05/rate, as before, capped it at 95.2 %,
 * lost every slot that a busy sender came late to, and met 429s whenever a request took more than 50 ms to arrive.
 */
public class RateGovernor {

    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long windowNanos;
    private final long marginNanos;
    /** For each of the last {@code limit} requests, a ring: the latest time it can have reached Stripe, and its number. */
    private final long[] arrivedBy;
    private final long[] number;
    private int oldest;
    private long issued;
    private long pausedUntil;

    /** One request's place in the window, handed back with {@link #sent} and {@link #answered}. */
    public record Permit(int index, long number, long slot) {}

    public RateGovernor(double requestsPerSecond, Duration margin) {
        this(requestsPerSecond, margin, System.nanoTime());
    }

    /**
     * {@code requestsPerSecond} under one is met as one request per {@code 1/rate} seconds; a fraction above one as
     * {@code floor(rate)} requests per {@code floor(rate)/rate} seconds.
     */
    public RateGovernor(double requestsPerSecond, Duration margin, long nowNanos) {
        if (!(requestsPerSecond > 0)) {
            throw new IllegalArgumentException("requestsPerSecond must be > 0");
        }
        int limit = (int) Math.max(1, Math.floor(requestsPerSecond));
        this.windowNanos = (long) (WINDOW_NANOS * (limit / requestsPerSecond));
        this.marginNanos = margin.toNanos();
        this.arrivedBy = new long[limit];
        this.number = new long[limit];
        Arrays.fill(arrivedBy, nowNanos - windowNanos);
    }

    /** Blocks until this caller may send one request; report its send and its answer on the permit. */
    public Permit acquire() {
        long now = System.nanoTime();
        Permit permit = reserve(now);
        for (long left = permit.slot() - now; left > 0; left = permit.slot() - System.nanoTime()) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                break;
            }
        }
        sent(permit, System.nanoTime());
        return permit;
    }

    /** Takes the first slot at or after {@code now} (same clock) at which one more request may leave. */
    synchronized Permit reserve(long now) {
        long slot = Math.max(Math.max(now, pausedUntil), arrivedBy[oldest] + windowNanos);
        Permit permit = new Permit(oldest, ++issued, slot);
        arrivedBy[oldest] = slot + marginNanos;
        number[oldest] = permit.number();
        oldest = (oldest + 1) % arrivedBy.length;
        return permit;
    }

    /** The request left at {@code nowNanos}: later than its slot when the sending thread ran late. */
    synchronized void sent(Permit permit, long nowNanos) {
        if (number[permit.index()] == permit.number()) {
            arrivedBy[permit.index()] = Math.max(arrivedBy[permit.index()], nowNanos + marginNanos);
        }
    }

    /** The request's answer came at {@code nowNanos} (or it failed then): it had reached Stripe by then, if at all. */
    public synchronized void answered(Permit permit, long nowNanos) {
        if (number[permit.index()] == permit.number()) {
            arrivedBy[permit.index()] = Math.min(arrivedBy[permit.index()], nowNanos);
        }
    }

    /** No request leaves before {@code delay} has passed (a 429's Retry-After, or a default back-off). */
    public synchronized void pause(Duration delay) {
        pausedUntil = Math.max(pausedUntil, System.nanoTime() + delay.toNanos());
    }
}
