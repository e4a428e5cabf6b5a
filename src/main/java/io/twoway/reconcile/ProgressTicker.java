package io.twoway.reconcile;

import io.twoway.config.TwowayProperties;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Reconciliation and backfill: while a long run goes on, writes its progress to its row every second (which is also
 * the heartbeat that tells other instances it is alive) and logs a progress line every {@code progress-log-seconds},
 * from a thread of its own, so that a slow Stripe page does not silence either.
 */
@Component
public class ProgressTicker implements DisposableBean {

    private static final Logger LOG = LoggerFactory.getLogger(ProgressTicker.class);

    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "twoway-progress");
        t.setDaemon(true);
        return t;
    });
    private final long logEveryMs;

    public ProgressTicker(TwowayProperties properties) {
        this.logEveryMs = properties.reconciliation().progressLogSeconds() * 1000;
    }

    /**
     * Starts tracking; closing the handle stops it. {@code persist} answers false when the run's row is no longer its
     * own (another instance closed it as abandoned): the progress is then marked lost, and the run stops.
     */
    public AutoCloseable track(String what, RunProgress progress, BooleanSupplier persist) {
        AtomicLong lastLog = new AtomicLong(System.currentTimeMillis());
        ScheduledFuture<?> task = ticker.scheduleAtFixedRate(() -> {
            try {
                if (!persist.getAsBoolean()) {
                    progress.lose();
                }
            } catch (RuntimeException e) {
                LOG.warn("{}: progress not saved: {}", what, e.getMessage());
            }
            long now = System.currentTimeMillis();
            if (now - lastLog.get() >= logEveryMs) {
                lastLog.set(now);
                LOG.info("{}: {}", what, progress.describe());
            }
        }, 1, 1, TimeUnit.SECONDS);
        return () -> task.cancel(false);
    }

    @Override
    public void destroy() {
        ticker.shutdownNow();
    }
}
