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
 *
 * <p>Stripe's limit belongs to the account: with several instances, {@link SharedRateBudget} sets each one's rate to
 * its share, lets requests go only while the instance's lease on it lasts, and denies them while it holds none.
 */
public class RateGovernor {

    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final long marginNanos;
    private long windowNanos;
    /** For each of the last {@code limit} requests, a ring: the latest time it can have reached Stripe, and its number. */
    private long[] arrivedBy;
    private long[] number;
    private int oldest;
    private long issued;
    private long pausedUntil;
    /** Counts rate changes and pauses: a slot taken in an earlier epoch is taken again under the new rate or pause. */
    private long epoch;
    /** Requests may leave until then: for ever alone, as long as its lease lasts in a shared budget ({@link SharedRateBudget}). */
    private long allowedUntil = Long.MAX_VALUE;
    /** The service is stopping: a sender held back by the budget gives up instead of holding the shutdown up. */
    private boolean stopping;
    /** Demand, for the shared budget: when a sender last asked for a permit or sent, and how many wait for one now. */
    private volatile long lastActiveNanos;
    private final java.util.concurrent.atomic.AtomicInteger waiting = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Runnable onDemandWhileClosed = () -> { };

    /**
     * One request's place in the window, handed back with {@link #sent} and {@link #answered}; {@code epoch} is the
     * governor's when the slot was taken.
     */
    public record Permit(int index, long number, long slot, long epoch) {}

    public RateGovernor(double requestsPerSecond, Duration margin) {
        this(requestsPerSecond, margin, System.nanoTime());
    }

    /**
     * {@code requestsPerSecond} under one is met as one request per {@code 1/rate} seconds; a fraction above one as
     * {@code floor(rate)} requests per {@code floor(rate)/rate} seconds.
     */
    public RateGovernor(double requestsPerSecond, Duration margin, long nowNanos) {
        this.marginNanos = margin.toNanos();
        this.lastActiveNanos = nowNanos - TimeUnit.DAYS.toNanos(1);
        this.arrivedBy = new long[0];
        this.number = new long[0];
        setRate(requestsPerSecond, nowNanos);
    }

    /**
     * A new rate from now on, for the window too: the newest of the requests already sent keep their places, so that no
     * one-second window holds more than the new limit once a request leaves under it.
     */
    public synchronized void setRate(double requestsPerSecond, long nowNanos) {
        if (!(requestsPerSecond > 0)) {
            throw new IllegalArgumentException("requestsPerSecond must be > 0");
        }
        int limit = (int) Math.max(1, Math.floor(requestsPerSecond));
        long window = (long) (WINDOW_NANOS * (limit / requestsPerSecond));
        if (limit == arrivedBy.length && window == windowNanos) {
            return;
        }
        long[] arrived = new long[limit];
        long[] numbers = new long[limit];
        Arrays.fill(arrived, nowNanos - window);
        int kept = Math.min(limit, arrivedBy.length);
        for (int i = 0; i < kept; i++) {
            // the ring's newest entries, oldest of them first, at the end of the new ring
            int from = (oldest + arrivedBy.length - kept + i) % arrivedBy.length;
            arrived[limit - kept + i] = arrivedBy[from];
            numbers[limit - kept + i] = number[from];
        }
        this.arrivedBy = arrived;
        this.number = numbers;
        this.windowNanos = window;
        this.oldest = 0;
        epoch++;
    }

    /** The requests per second this governor lets through now. */
    public synchronized double rate() {
        return arrivedBy.length * (double) WINDOW_NANOS / windowNanos;
    }

    /**
     * Blocks until this caller may send one request; report its send and its answer on the permit. A sender interrupted
     * while it waits sends nothing: it gets {@link InterruptedException}, since a request sent early would break the limit.
     */
    public Permit acquire() throws InterruptedException {
        lastActiveNanos = System.nanoTime();
        waiting.incrementAndGet();
        try {
            while (true) {
                awaitAllowed();
                long now = System.nanoTime();
                Permit permit = reserve(now);
                for (long left = permit.slot() - now; left > 0; left = permit.slot() - System.nanoTime()) {
                    LockSupport.parkNanos(left);
                    if (Thread.interrupted()) {
                        // its slot stays taken, as if it had been sent: the window only errs on the safe side
                        throw new InterruptedException("interrupted while waiting for a permit");
                    }
                }
                if (confirm(permit, System.nanoTime())) {
                    return permit;
                }
                // while this sender waited for its slot, the rate changed (a slot of the old rate could break the new
                // one's window), a 429 paused every sender, or the share's lease ran out: it frees the slot and takes another
            }
        } finally {
            waiting.decrementAndGet();
        }
    }

    private synchronized boolean allowed(long nowNanos) {
        return nowNanos < allowedUntil;
    }

    /** Sends the permit's request now if its rate still holds and the lease lasts; otherwise frees its place. */
    private synchronized boolean confirm(Permit permit, long nowNanos) {
        if (permit.epoch() == epoch && allowed(nowNanos)) {
            sent(permit, nowNanos);
            // a request can leave long after it was asked for (a share's join, a Retry-After): idle counts from here
            lastActiveNanos = nowNanos;
            return true;
        }
        int i = indexOf(permit);
        if (i >= 0) {
            arrivedBy[i] = nowNanos - windowNanos;
            number[i] = 0;
        }
        return false;
    }

    private synchronized void awaitAllowed() throws InterruptedException {
        boolean asked = false;
        while (!allowed(System.nanoTime())) {
            if (stopping) {
                throw new InterruptedException("the service is stopping, and this instance holds no share of the rate budget");
            }
            if (!asked) {
                onDemandWhileClosed.run();
                asked = true;
            }
            // a renewal wakes the senders; the wait is bounded because a lease can also run out without one
            wait(50);
        }
    }

    /** Senders may go from {@code fromNanos} until {@code untilNanos} (a shared budget's lease on its share). */
    synchronized void allow(long fromNanos, long untilNanos) {
        pausedUntil = Math.max(pausedUntil, fromNanos);
        allowedUntil = untilNanos;
        notifyAll();
    }

    /** The service is stopping: senders waiting for a share give up (their messages are read again after a restart). */
    public synchronized void stop() {
        stopping = true;
        notifyAll();
    }

    /** No sender may go until {@link #allow} says so again: the instance holds no share of the budget. */
    synchronized void deny() {
        allowedUntil = Long.MIN_VALUE;
    }

    /** Called (under the governor's lock, so it must not block) when a sender finds itself denied. */
    void onDemandWhileClosed(Runnable listener) {
        this.onDemandWhileClosed = listener;
    }

    /** True while a sender waits for a permit, or asked for one or sent a request within {@code idleNanos}. */
    boolean busy(long idleNanos, long nowNanos) {
        return waiting.get() > 0 || nowNanos - lastActiveNanos < idleNanos;
    }

    /** Takes the first slot at or after {@code now} (same clock) at which one more request may leave. */
    synchronized Permit reserve(long now) {
        long slot = Math.max(Math.max(now, pausedUntil), arrivedBy[oldest] + windowNanos);
        Permit permit = new Permit(oldest, ++issued, slot, epoch);
        arrivedBy[oldest] = slot + marginNanos;
        number[oldest] = permit.number();
        oldest = (oldest + 1) % arrivedBy.length;
        return permit;
    }

    /** The request left at {@code nowNanos}: later than its slot when the sending thread ran late. */
    synchronized void sent(Permit permit, long nowNanos) {
        int i = indexOf(permit);
        if (i >= 0) {
            arrivedBy[i] = Math.max(arrivedBy[i], nowNanos + marginNanos);
        }
    }

    /** The request's answer came at {@code nowNanos}: it had reached Stripe by then. */
    public synchronized void answered(Permit permit, long nowNanos) {
        int i = indexOf(permit);
        if (i >= 0) {
            arrivedBy[i] = Math.min(arrivedBy[i], nowNanos);
        }
    }

    /** The permit's place in the ring; moved by a rate change, gone (-1) once newer requests took it over. */
    private int indexOf(Permit permit) {
        if (permit.index() < number.length && number[permit.index()] == permit.number()) {
            return permit.index();
        }
        for (int i = 0; i < number.length; i++) {
            if (number[i] == permit.number()) {
                return i;
            }
        }
        return -1;
    }

    /** No request leaves before {@code delay} has passed (a 429's Retry-After, or a default back-off). */
    public synchronized void pause(Duration delay) {
        pausedUntil = Math.max(pausedUntil, System.nanoTime() + delay.toNanos());
        // the senders already waiting for a slot wait for the pause too
        epoch++;
    }
}
