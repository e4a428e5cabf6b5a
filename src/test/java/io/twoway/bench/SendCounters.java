package io.twoway.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One open-loop step's counters, shared by its sender threads. Slot i was due at {@code due}; its latency runs from
 * then to its answer or failure, so a send held up by the generator counts too.
 */
final class SendCounters {

    /** A send that starts more than this after its slot is late. */
    static final long LATE_MS = 10;

    final long[] latencies;
    final CountDownLatch answered;
    final AtomicInteger ok = new AtomicInteger();
    final AtomicInteger non2xx = new AtomicInteger();
    final AtomicInteger errors = new AtomicInteger();
    final AtomicInteger timeouts = new AtomicInteger();
    final AtomicInteger late = new AtomicInteger();
    final AtomicLong maxLag = new AtomicLong();
    final AtomicLong lastAnswer = new AtomicLong();
    final AtomicReference<String> sampleError = new AtomicReference<>();

    SendCounters(int total) {
        latencies = new long[total];
        answered = new CountDownLatch(total);
    }

    /** The send of a slot due at {@code due} starts now. */
    void sending(long due) {
        long lag = System.nanoTime() - due;
        maxLag.accumulateAndGet(lag, Math::max);
        if (lag > LATE_MS * 1_000_000) {
            late.incrementAndGet();
        }
    }

    void status(int status, String detail) {
        if (status / 100 == 2) {
            ok.incrementAndGet();
        } else {
            non2xx.incrementAndGet();
            sampleError.set(status + " " + detail);
        }
    }

    void timeout(String detail) {
        timeouts.incrementAndGet();
        sampleError.set(detail);
    }

    void error(String detail) {
        errors.incrementAndGet();
        sampleError.set(detail);
    }

    /** The slot's answer (or failure) is in. */
    void done(int slot, long due) {
        long now = System.nanoTime();
        latencies[slot] = now - due;
        lastAnswer.accumulateAndGet(now, Math::max);
        answered.countDown();
    }

    /** Waits for every slot; fails if one neither answered nor timed out within {@code seconds}. */
    void awaitAll(long seconds, String what) throws InterruptedException {
        if (!answered.await(seconds, TimeUnit.SECONDS)) {
            throw new IllegalStateException(answered.getCount() + " " + what + " neither answered nor timed out");
        }
    }

    /** Seconds from {@code t0} to the last answer, at least the step's length. */
    double elapsedSeconds(long t0, int stepSeconds) {
        return Math.max(stepSeconds, (lastAnswer.get() - t0) / 1e9);
    }
}
