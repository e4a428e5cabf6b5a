package io.twoway.salesforce;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.twoway.config.TwowayProperties;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The daily API budget governor. Salesforce counts API calls per org over a rolling 24 hours and says where the org
 * stands on every answer ({@code Sforce-Limit-Info: api-usage=USED/MAX}). Twoway may use {@code SALESFORCE_DAILY_API_BUDGET}
 * of it (capped at the org's MAX): past {@code SALESFORCE_BUDGET_SLOWDOWN_PERCENT} of the budget, calls are spaced out,
 * from nothing at the threshold up to {@link #MAX_SPACING_MS} at the budget; at the budget, calls stop (what waits to
 * be sent stays queued) until a {@code GET /limits}, at most every {@code SALESFORCE_BUDGET_CHECK_SECONDS}, shows that
 * usage fell. Every instance reads the same org-wide figure from its own answers, so they need no coordination.
 */
public class SalesforceBudget {

    static final long MAX_SPACING_MS = 2000;
    private static final Logger LOG = LoggerFactory.getLogger(SalesforceBudget.class);

    private final long configured;
    private final int slowdownPercent;
    private final long checkMs;
    private final Clock clock;
    private long used = -1;
    private long max = -1;
    private boolean stopped;
    private Instant stoppedAt;
    private Instant lastCheck = Instant.EPOCH;
    private long lastCallMs;

    public SalesforceBudget(TwowayProperties.Salesforce settings, Clock clock, MeterRegistry meters) {
        this.configured = settings.dailyApiBudget();
        this.slowdownPercent = settings.budgetSlowdownPercent();
        this.checkMs = settings.budgetCheckSeconds() * 1000;
        this.clock = clock;
        Gauge.builder("twoway.salesforce.api.usage", this, b -> b.snapshotUsed()).description("Salesforce API calls used by the org in the last 24 h, as its last answer said").register(meters);
        Gauge.builder("twoway.salesforce.api.budget", this, b -> b.budget()).description("Salesforce API calls per 24 h that Twoway may use").register(meters);
        Gauge.builder("twoway.salesforce.api.stopped", this, b -> b.isStopped() ? 1 : 0).description("1 while the Salesforce API budget is spent and sending waits").register(meters);
    }

    /** The budget in force: the configured one, capped at the org's limit once an answer gave it. */
    public synchronized long budget() {
        return max > 0 ? Math.min(configured, max) : configured;
    }

    public synchronized boolean isStopped() {
        return stopped;
    }

    private synchronized double snapshotUsed() {
        return used;
    }

    /** What an answer's {@code Sforce-Limit-Info} said (or {@code /limits}). */
    public synchronized void observe(long used, long max) {
        this.used = used;
        this.max = max;
        boolean spent = used >= budget();
        if (spent && !stopped) {
            stop("usage " + used + "/" + max + " reached the budget of " + budget());
        } else if (!spent && stopped) {
            LOG.info("Salesforce API budget available again: usage {}/{} under the budget of {}; sending resumes", used, max, budget());
            stopped = false;
            stoppedAt = null;
        }
    }

    /** Salesforce refused a call with REQUEST_LIMIT_EXCEEDED: stop as if the budget were spent. */
    public synchronized void refused() {
        if (!stopped) {
            stop("Salesforce answered REQUEST_LIMIT_EXCEEDED");
        }
    }

    private void stop(String why) {
        stopped = true;
        stoppedAt = clock.instant();
        lastCheck = stoppedAt;
        LOG.warn("Salesforce API budget spent ({}): sending stops, nothing is dropped; usage is checked every {} s", why, checkMs / 1000);
    }

    /** True when the budget is spent and it is time to ask {@code /limits} whether usage fell. */
    public synchronized boolean dueForCheck() {
        if (!stopped || clock.instant().isBefore(lastCheck.plusMillis(checkMs))) {
            return false;
        }
        lastCheck = clock.instant();
        return true;
    }

    /**
     * Before a counted call: refuses while the budget is spent; near it, waits out the spacing. Throws
     * {@link SalesforceException} of kind BUDGET rather than call.
     */
    public void acquire() throws InterruptedException {
        long waitMs;
        synchronized (this) {
            if (stopped) {
                throw new SalesforceException(SalesforceException.Kind.BUDGET, "BUDGET_SPENT", 0,
                        "the Salesforce API budget of " + budget() + " calls a day is spent (usage " + used + ")", null);
            }
            long now = clock.millis();
            long next = Math.max(now, lastCallMs + spacingMs());
            lastCallMs = next;
            waitMs = next - now;
        }
        if (waitMs > 0) {
            Thread.sleep(waitMs);
        }
    }

    /** The spacing between calls now: none under the slow-down threshold, then growing linearly to the budget. */
    synchronized long spacingMs() {
        long budget = budget();
        long threshold = budget * slowdownPercent / 100;
        if (used < threshold || budget <= threshold) {
            return 0;
        }
        return Math.min(MAX_SPACING_MS, MAX_SPACING_MS * (used - threshold) / (budget - threshold));
    }

    /** For {@code /admin/integrations/status}. */
    public synchronized Map<String, Object> snapshot() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("daily_budget", budget());
        view.put("org_daily_limit", max < 0 ? null : max);
        view.put("used", used < 0 ? null : used);
        view.put("remaining", used < 0 ? null : Math.max(0, budget() - used));
        view.put("slowdown_at", budget() * slowdownPercent / 100);
        view.put("spacing_ms", spacingMs());
        view.put("state", stopped ? "stopped" : spacingMs() > 0 ? "slowed" : "open");
        view.put("stopped_since", stoppedAt == null ? null : stoppedAt.toString());
        return view;
    }
}
