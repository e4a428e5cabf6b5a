package io.twoway.stripe;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Outward sync: paces Stripe requests so this instance never sends more than the configured number per second, and
 * holds every sender back after a 429 for as long as Stripe's {@code Retry-After} asks. Under a backlog it hands out
 * one slot every {@code 1.05/rate} seconds with no idle gaps: the 5 % margin absorbs network jitter, which otherwise
 * lets {@code rate + 1} requests arrive inside one of Stripe's sliding one-second windows.
 */
public class RateGovernor {

    private static final double WINDOW_NANOS = TimeUnit.MILLISECONDS.toNanos(1050);

    private final long intervalNanos;
    private long nextSlot = System.nanoTime();

    public RateGovernor(double requestsPerSecond) {
        if (!(requestsPerSecond > 0)) {
            throw new IllegalArgumentException("requestsPerSecond must be > 0");
        }
        this.intervalNanos = Math.max(1, (long) (WINDOW_NANOS / requestsPerSecond));
    }

    /** Blocks until this caller may send one request. */
    public void acquire() {
        long deadline = System.nanoTime() + reserve();
        long left;
        while ((left = deadline - System.nanoTime()) > 0) {
            LockSupport.parkNanos(left);
            if (Thread.currentThread().isInterrupted()) {
                return;
            }
        }
    }

    private synchronized long reserve() {
        long now = System.nanoTime();
        long slot = Math.max(nextSlot, now);
        nextSlot = slot + intervalNanos;
        return slot - now;
    }

    /** No request leaves before {@code delay} has passed (a 429's Retry-After, or a default back-off). */
    public synchronized void pause(Duration delay) {
        nextSlot = Math.max(nextSlot, System.nanoTime() + delay.toNanos());
    }
}
