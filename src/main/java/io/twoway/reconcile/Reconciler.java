package io.twoway.reconcile;

import com.stripe.model.Customer;
import io.micrometer.core.instrument.MeterRegistry;
import io.twoway.config.TwowayProperties;
import io.twoway.stripe.StripeGateway;
import io.twoway.stripe.StripeRetry;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Reconciliation: one run ({@code reconcile-run}). It lists every Stripe customer (pages of 100, through the rate
 * governor every Stripe call shares) into a staging table, then walks the local catalog by id in short keyset pages,
 * each joined to what Stripe listed and to the agreed state, then walks the Stripe customers no local row is linked
 * to. Memory holds one page at a time. Every difference becomes a mismatch with a proposed repair, made at once when
 * the run auto-resolves and is not a dry run.
 */
@Component("reconciler")
public class Reconciler {

    public static final String REPORT_HEADER = "TwowayReportId";
    static final String AUTO_ACTOR = "auto:reconciliation";
    private static final String KIND = "kind:";
    private static final String STATUS = "status:";
    private static final String STRIPE_LISTED = "stripe_listed";
    private static final String LOCAL_COMPARED = "local_compared";
    private static final Logger LOG = LoggerFactory.getLogger(Reconciler.class);

    private final ReconciliationStore store;
    private final MismatchRepair repair;
    private final StripeGateway stripe;
    private final ProgressTicker ticker;
    private final MeterRegistry meters;
    private final TwowayProperties.Reconciliation settings;
    private final TwowayProperties.Retry retry;

    public Reconciler(ReconciliationStore store, MismatchRepair repair, StripeGateway stripe, ProgressTicker ticker, MeterRegistry meters,
                      TwowayProperties properties) {
        this.store = store;
        this.repair = repair;
        this.stripe = stripe;
        this.ticker = ticker;
        this.meters = meters;
        this.settings = properties.reconciliation();
        this.retry = properties.retry();
    }

    /**
     * Opens a report for a new run; a null option takes its setting. Throws {@link RunInProgress}.
     */
    public long start(String trigger, String requestedBy, Instant scheduledFor, Boolean autoResolve, Boolean dryRun, String sourceOfTruth) {
        long id = store.start(trigger, requestedBy, scheduledFor, autoResolve != null ? autoResolve : settings.autoResolve(),
                Boolean.TRUE.equals(dryRun), sourceOfTruth != null ? sourceOfTruth : settings.sourceOfTruth(), settings.abandonAfterSeconds());
        LOG.info("Reconciliation {} started ({}{})", id, trigger, requestedBy == null ? "" : " by " + requestedBy);
        return id;
    }

    /** The {@code reconcile-trigger} step: opens the scheduled run's report, or skips the fire while a run is going. */
    public void startScheduled(Exchange exchange) {
        Date fireTime = exchange.getMessage().getHeader("scheduledFireTime", Date.class);
        try {
            exchange.getMessage().setHeader(REPORT_HEADER, start("schedule", "scheduler", fireTime == null ? null : fireTime.toInstant(), null, false, null));
        } catch (RunInProgress e) {
            LOG.warn("Scheduled reconciliation skipped: {}", e.getMessage());
        }
    }

    /** The {@code reconcile-run} step: runs the report named by the header to its end. */
    public void run(Exchange exchange) {
        run(exchange.getMessage().getHeader(REPORT_HEADER, Long.class));
    }

    public void run(long reportId) {
        Map<String, Object> report = store.report(reportId).orElseThrow();
        boolean autoResolve = (Boolean) report.get("auto_resolve") && !(Boolean) report.get("dry_run");
        MismatchRules rules = new MismatchRules(MismatchRules.SourceOfTruth.parse((String) report.get("source_of_truth")));
        RunProgress progress = new RunProgress();
        String what = "Reconciliation " + reportId;
        MDC.put("correlationId", "reconcile-" + reportId);
        long startNanos = System.nanoTime();
        String status = "completed";
        String error = null;
        try (AutoCloseable tracking = ticker.track(what, progress, () -> store.progress(reportId, progressJson(progress), counts(progress)))) {
            store.clearStaging();
            long localTotal = store.countCustomers();
            progress.phase("listing_stripe");
            progress.total(2 * localTotal, true);
            long listed = listStripe(progress, localTotal);
            progress.total(listed + localTotal, false);
            progress.phase("comparing_local");
            compareLocal(reportId, rules, autoResolve, progress);
            progress.phase("checking_stripe_only");
            checkRemoteOnly(reportId, rules, autoResolve, progress);
            progress.phase("done");
        } catch (Exception e) {
            status = "failed";
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            progress.phase("failed in " + progress.phase());
            LOG.error("{} failed: {}", what, error, e);
        } finally {
            try {
                if (!progress.lost()) { // a run that lost its row leaves the staging table to the run that took over
                    store.clearStaging();
                }
            } catch (RuntimeException e) {
                LOG.warn("{}: staging table not emptied: {}", what, e.getMessage());
            }
            store.finish(reportId, status, progressJson(progress), counts(progress), error);
            meters.timer("twoway.reconciliation.runs", "status", status).record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
            LOG.info("{} {}: {}; mismatches {}", what, status, progress.describe(), counts(progress));
            MDC.remove("correlationId");
        }
    }

    private long listStripe(RunProgress progress, long localTotal) {
        String after = null;
        long listed = 0;
        StripeGateway.CustomerPage page;
        do {
            progress.checkStillOurs();
            String cursor = after;
            page = StripeRetry.call("Listing Stripe customers", retry, () -> stripe.listCustomers(cursor));
            store.stage(page.customers());
            listed += page.customers().size();
            progress.processed(page.customers().size());
            progress.count(STRIPE_LISTED, page.customers().size());
            progress.total(Math.max(listed, localTotal) + localTotal, page.hasMore());
            if (!page.customers().isEmpty()) {
                after = page.customers().get(page.customers().size() - 1).getId();
            }
        } while (page.hasMore() && after != null);
        return listed;
    }

    private void compareLocal(long reportId, MismatchRules rules, boolean autoResolve, RunProgress progress) {
        long after = 0;
        List<MismatchRules.LocalRow> chunk;
        do {
            progress.checkStillOurs();
            chunk = store.localChunk(after, settings.localPageSize());
            OffsetDateTime now = OffsetDateTime.now();
            for (MismatchRules.LocalRow row : chunk) {
                if (row.stripeId() == null) {
                    record(reportId, rules.compareUnlinked(row, now, settings.graceSeconds()), null, autoResolve, progress);
                } else if (row.listed()) {
                    MismatchRules.Remote remote = new MismatchRules.Remote(false, row.remoteName(), row.remoteEmail());
                    record(reportId, rules.compareLinked(row, remote, now, settings.graceSeconds()), remote, autoResolve, progress);
                } else if (row.active() && !row.claimedByRemote()) {
                    // (one another Stripe customer carries is reported, and relinked, by the Stripe-only pass)
                    // linked, but not among the live customers Stripe listed: deleted there, or never known (one read each)
                    Optional<Customer> current = StripeRetry.call("Reading Stripe customer " + row.stripeId(), retry, () -> stripe.find(row.stripeId()));
                    if (current.isEmpty()) {
                        record(reportId, rules.brokenLink(row), null, autoResolve, progress);
                    } else {
                        MismatchRules.Remote remote = remote(current.get());
                        record(reportId, rules.compareLinked(row, remote, now, settings.graceSeconds()), remote, autoResolve, progress);
                    }
                }
            }
            progress.processed(chunk.size());
            progress.count(LOCAL_COMPARED, chunk.size());
            if (!chunk.isEmpty()) {
                after = chunk.get(chunk.size() - 1).id();
            }
        } while (chunk.size() == settings.localPageSize());
    }

    private void checkRemoteOnly(long reportId, MismatchRules rules, boolean autoResolve, RunProgress progress) {
        String after = "";
        List<MismatchRules.RemoteRow> chunk;
        do {
            progress.checkStillOurs();
            chunk = store.remoteOnlyChunk(after, settings.localPageSize());
            OffsetDateTime now = OffsetDateTime.now();
            for (MismatchRules.RemoteRow row : chunk) {
                record(reportId, rules.compareRemoteOnly(row, now, settings.graceSeconds()), new MismatchRules.Remote(false, row.name(), row.email()),
                        autoResolve, progress);
            }
            if (!chunk.isEmpty()) {
                after = chunk.get(chunk.size() - 1).stripeId();
            }
        } while (chunk.size() == settings.localPageSize());
    }

    /** Stores each finding, and repairs it at once when the run auto-resolves and the repair may be automatic. */
    private void record(long reportId, List<MismatchRules.Finding> findings, MismatchRules.Remote remote, boolean autoResolve, RunProgress progress) {
        for (MismatchRules.Finding f : findings) {
            long id = store.insertMismatch(reportId, f);
            progress.count(KIND + f.kind(), 1);
            meters.counter("twoway.reconciliation.mismatches", "kind", f.kind()).increment();
            String status = Mismatch.OPEN;
            if (autoResolve && (f.automatic() || MismatchRules.RESOLVE_CONFLICT.equals(f.action()))) {
                try {
                    status = repair.apply(id, f.action(), f.direction(), remote, AUTO_ACTOR).status();
                } catch (MismatchRepair.NotApplicable e) {
                    store.note(id, "not repaired automatically: " + e.getMessage());
                    LOG.info("Mismatch {} ({} of customer {}) not repaired: {}", id, f.kind(), f.customerId(), e.getMessage());
                } catch (RuntimeException e) {
                    store.note(id, "repair failed: " + e.getMessage());
                    LOG.warn("Mismatch {} ({} of customer {}): repair failed", id, f.kind(), f.customerId(), e);
                }
            }
            progress.count(STATUS + status, 1);
        }
    }

    /** The report's progress: the run's phase, processed, total, percent, rate, and how far each side has been read. */
    private static Map<String, Object> progressJson(RunProgress progress) {
        Map<String, Object> json = progress.toJson();
        json.put(STRIPE_LISTED, progress.counter(STRIPE_LISTED));
        json.put(LOCAL_COMPARED, progress.counter(LOCAL_COMPARED));
        return json;
    }

    /** The report's counts: mismatches by kind and by status. */
    private static Map<String, Object> counts(RunProgress progress) {
        Map<String, Long> byKind = new TreeMap<>();
        Map<String, Long> byStatus = new TreeMap<>();
        progress.counters().forEach((name, n) -> {
            if (name.startsWith(KIND)) {
                byKind.put(name.substring(KIND.length()), n);
            } else if (name.startsWith(STATUS)) {
                byStatus.put(name.substring(STATUS.length()), n);
            }
        });
        return Map.of("by_kind", byKind, "by_status", byStatus);
    }

    static MismatchRules.Remote remote(Customer customer) {
        return Boolean.TRUE.equals(customer.getDeleted()) ? MismatchRules.Remote.GONE
                : new MismatchRules.Remote(false, customer.getName(), customer.getEmail());
    }
}
