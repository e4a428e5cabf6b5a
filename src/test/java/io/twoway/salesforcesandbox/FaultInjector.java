package io.twoway.salesforcesandbox;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Optional;

/** Faults queued for the next API calls, in the order they were queued, and the latency added to every API answer. */
final class FaultInjector {

    /** {@code remaining} more calls get {@code fault}. */
    private static final class Pending {
        final Fault fault;
        int remaining;

        Pending(Fault fault, int remaining) {
            this.fault = fault;
            this.remaining = remaining;
        }
    }

    private final Deque<Pending> queue = new ArrayDeque<>();
    private volatile Duration latency = Duration.ZERO;

    synchronized void failNext(int count, Fault fault) {
        if (count < 0 || fault == null) {
            throw new IllegalArgumentException("need a fault and a count >= 0, got " + fault + " x " + count);
        }
        if (count > 0) {
            queue.addLast(new Pending(fault, count));
        }
    }

    /** The fault this call gets, if any: the head of the queue, except that a read leaves a queued LOCK in place. */
    synchronized Optional<Fault> next(boolean write) {
        Pending head = queue.peekFirst();
        if (head == null || (head.fault == Fault.LOCK && !write)) {
            return Optional.empty();
        }
        if (--head.remaining == 0) {
            queue.removeFirst();
        }
        return Optional.of(head.fault);
    }

    Duration latency() {
        return latency;
    }

    void latency(Duration latency) {
        if (latency == null || latency.isNegative()) {
            throw new IllegalArgumentException("latency must be zero or positive: " + latency);
        }
        this.latency = latency;
    }

    /** Drops the queued faults and the latency. */
    synchronized void clear() {
        queue.clear();
        latency = Duration.ZERO;
    }
}
