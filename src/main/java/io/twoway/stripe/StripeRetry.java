package io.twoway.stripe;

import io.twoway.config.TwowayProperties;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reconciliation, catch-up and backfill: a Stripe read retried with exponential backoff and jitter while it fails
 * for a transient reason (I/O, 429, 409, 5xx), under the same policy as the sync route's redelivery. A permanent
 * failure, or the last transient one, is thrown to the caller.
 */
public final class StripeRetry {

    private static final Logger LOG = LoggerFactory.getLogger(StripeRetry.class);

    private StripeRetry() {}

    public static <T> T call(String what, TwowayProperties.Retry policy, Supplier<T> read) {
        long delayMs = policy.initialDelayMs();
        for (int attempt = 1; ; attempt++) {
            try {
                return read.get();
            } catch (StripeSyncException.Transient e) {
                if (attempt > policy.maxAttempts()) {
                    throw e;
                }
                long sleep = delayMs / 2 + ThreadLocalRandom.current().nextLong(delayMs / 2 + 1);
                LOG.warn("{} failed ({}); attempt {} of {} in {} ms", what, e.getMessage(), attempt + 1, policy.maxAttempts() + 1, sleep);
                try {
                    Thread.sleep(sleep);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                delayMs = Math.min(policy.maxDelayMs(), delayMs * 2);
            }
        }
    }
}
