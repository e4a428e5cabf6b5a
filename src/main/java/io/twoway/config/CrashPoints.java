package io.twoway.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fault testing: named points in the pipeline where the process can be made to die on the spot, the way
 * {@code kill -9} would leave it there: {@link Runtime#halt} (exit code 137), no shutdown hook, no rollback but the
 * database's own. {@code TWOWAY_CRASH_AT=point} arms one point for the first pass, {@code point:n} for the n-th.
 * Only the fault suite sets it; unset, a point costs one read of a final field.
 */
public final class CrashPoints {

    public enum Point {
        /** The outbox commit happened (the API answered), the relay claimed the batch, nothing was sent to Kafka. */
        RELAY_BEFORE_KAFKA_SEND,
        /** Kafka acknowledged the batch; the outbox rows are not marked published yet. */
        RELAY_AFTER_KAFKA_ACK,
        /** Stripe answered the sync's call; the ledger does not record it yet, and the Kafka offset is not committed. */
        SYNC_AFTER_STRIPE_ANSWER,
        /** A webhook's change is written to the local customer in its transaction, which has not committed. */
        INBOX_MID_APPLY;

        public String id() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static final String VARIABLE = "TWOWAY_CRASH_AT";
    private static final Logger LOG = LoggerFactory.getLogger(CrashPoints.class);
    private static final Point ARMED;
    private static final AtomicInteger PASSES_LEFT = new AtomicInteger();

    static {
        String value = System.getenv(VARIABLE);
        if (value == null || value.isBlank()) {
            ARMED = null;
        } else {
            String[] parts = value.trim().split(":");
            ARMED = Arrays.stream(Point.values()).filter(p -> p.id().equals(parts[0])).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(VARIABLE + " names no crash point: " + value));
            PASSES_LEFT.set(parts.length > 1 ? Integer.parseInt(parts[1]) : 1);
            LOG.warn("{}={}: this process halts at that point (fault testing only)", VARIABLE, value);
        }
    }

    private CrashPoints() {
    }

    /** Halts the process here if this point is armed and this is the pass it was armed for. */
    public static void pass(Point point) {
        if (point == ARMED && PASSES_LEFT.decrementAndGet() == 0) {
            LOG.error("Crash point {} reached: halting now", point.id());
            Runtime.getRuntime().halt(137);
        }
    }
}
