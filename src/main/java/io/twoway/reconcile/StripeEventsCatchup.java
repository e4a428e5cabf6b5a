package io.twoway.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.twoway.config.TwowayProperties;
import io.twoway.inbox.WebhookApplier;
import io.twoway.inbox.WebhookInbox;
import io.twoway.stripe.StripeGateway;
import io.twoway.stripe.StripeRetry;
import io.twoway.stripe.SyncLedger;
import java.lang.management.ManagementFactory;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Catch-up ({@code stripe-events-catchup}): reads Stripe's event log ({@code GET /v1/events}, {@code customer.*})
 * from a stored cursor into the webhook inbox, deduplicated by event id, so that the apply route handles a missed
 * webhook exactly as a delivered one. One instance reads at a time (a lease on the cursor row). A cursor older than
 * the 30 days Stripe keeps events leaves a gap that only a full reconciliation closes; the log and
 * {@code GET /admin/catchup} say so until one has completed.
 */
@Component("stripeEventsCatchup")
public class StripeEventsCatchup {

    public static final String CURSOR = "stripe-events";
    private static final Logger LOG = LoggerFactory.getLogger(StripeEventsCatchup.class);
    /**
     * The lease only spares a second instance a read that the first is making: reads side by side are harmless (events
     * are deduplicated by id, the cursor only moves forward). It is short, so that a reader that died holding it holds
     * nobody back for long; each page renews it.
     */
    private static final long LEASE_SECONDS = 15;

    private final StripeGateway stripe;
    private final WebhookInbox inbox;
    private final WebhookApplier applier;
    private final ReconciliationStore reports;
    private final JdbcTemplate jdbc;
    private final TwowayProperties.Catchup settings;
    private final TwowayProperties.Retry retry;
    private final String owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);

    public StripeEventsCatchup(StripeGateway stripe, WebhookInbox inbox, List<WebhookApplier> appliers, ReconciliationStore reports,
                               JdbcTemplate jdbc, TwowayProperties properties) {
        this.stripe = stripe;
        this.inbox = inbox;
        this.applier = appliers.stream().filter(a -> SyncLedger.SYSTEM.equals(a.source())).findFirst().orElseThrow();
        this.reports = reports;
        this.jdbc = jdbc;
        this.settings = properties.catchup();
        this.retry = properties.retry();
    }

    /** One read from the cursor to now; returns the ids of the new pending events, for the apply queue. */
    public List<String> run() {
        long now = Instant.now().getEpochSecond();
        if (jdbc.update("insert into sync_cursors (name, created) values (?, ?) on conflict do nothing", CURSOR, now) == 1) {
            LOG.info("Event catch-up starts from now: older Stripe customers are imported by a backfill (POST /admin/backfill)");
        }
        if (!lease()) {
            LOG.debug("Event catch-up: another instance is reading");
            return List.of();
        }
        MDC.put("correlationId", "catchup-" + now);
        try {
            long cursor = jdbc.queryForObject("select created from sync_cursors where name = ?", Long.class, CURSOR);
            long oldestKept = now - settings.retentionDays() * 86_400;
            if (cursor < oldestKept) {
                jdbc.update("update sync_cursors set gap_since = coalesce(gap_since, now()) where name = ?", CURSOR);
                LOG.error("Event catch-up: the cursor ({}) is older than the {} days Stripe keeps events; events before {} are lost."
                        + " Run a full reconciliation: POST /admin/reconciliation/run", Instant.ofEpochSecond(cursor), settings.retentionDays(),
                        Instant.ofEpochSecond(oldestKept));
            }
            long from = Math.max(cursor - settings.overlapSeconds(), oldestKept);
            return read(from, cursor);
        } catch (RuntimeException e) {
            jdbc.update("update sync_cursors set last_error = ?, last_run_at = now() where name = ?", e.getMessage(), CURSOR);
            LOG.warn("Event catch-up failed; the next run reads again from the same cursor: {}", e.getMessage());
            return List.of();
        } finally {
            jdbc.update("update sync_cursors set lease_owner = null, lease_until = null where name = ? and lease_owner = ?", CURSOR, owner);
            MDC.remove("correlationId");
        }
    }

    private List<String> read(long from, long cursor) {
        List<String> fresh = new ArrayList<>();
        long newest = cursor;
        String newestId = null;
        int read = 0;
        int pages = 0;
        String after = null;
        StripeGateway.EventPage page;
        do {
            String startingAfter = after;
            page = StripeRetry.call("Reading Stripe events", retry, () -> stripe.listCustomerEvents(from, startingAfter));
            pages++;
            read += page.events().size();
            fresh.addAll(inbox.storeAll(applier.source(), page.events(), applier::handles));
            for (JsonNode event : page.events()) {
                if (event.path("created").asLong() > newest || (newestId == null && event.path("created").asLong() == newest)) {
                    newest = event.path("created").asLong();
                    newestId = event.path("id").asText();
                }
            }
            after = page.events().isEmpty() ? null : page.events().get(page.events().size() - 1).path("id").asText();
            lease();
        } while (page.hasMore() && after != null);
        Map<String, Object> result = new LinkedHashMap<>();
        result.put("from", Instant.ofEpochSecond(from).toString());
        result.put("events_read", read);
        result.put("events_new", fresh.size());
        result.put("pages", pages);
        // the cursor only moves forward, and only once every page was read: a failure reads the same window again
        jdbc.update("""
                update sync_cursors set created = greatest(created, ?), last_event_id = coalesce(?, last_event_id), last_run_at = now(),
                    last_result = ?::jsonb, last_error = null, updated_at = now() where name = ?
                """, newest, newestId, JsonText.write(result), CURSOR);
        closeGapAfterReconciliation();
        if (!fresh.isEmpty()) {
            LOG.info("Event catch-up: {} event(s) read, {} missed by webhooks are now in the inbox", read, fresh.size());
        }
        return fresh;
    }

    /** A full reconciliation completed after the gap was noticed has repaired what the lost events carried. */
    private void closeGapAfterReconciliation() {
        Optional<OffsetDateTime> reconciled = reports.lastCompletedStart();
        reconciled.ifPresent(at -> {
            if (jdbc.update("update sync_cursors set gap_since = null where name = ? and gap_since < ?", CURSOR, at) == 1) {
                LOG.info("Event catch-up: the gap in the event log is closed by the reconciliation started at {}", at);
            }
        });
    }

    /** Takes or renews the lease on the cursor; false while another instance holds it. */
    private boolean lease() {
        return jdbc.update("""
                update sync_cursors set lease_owner = ?, lease_until = now() + make_interval(secs => ?)
                where name = ? and (lease_until is null or lease_until < now() or lease_owner = ?)
                """, owner, (double) LEASE_SECONDS, CURSOR, owner) == 1;
    }

    /**
     * The cursor and the last read, for {@code GET /admin/catchup} and {@code /admin/status}: a read, no write (the
     * next catch-up run clears a gap that a reconciliation has closed).
     */
    public Map<String, Object> status() {
        Optional<OffsetDateTime> reconciled = reports.lastCompletedStart();
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("enabled", settings.enabled());
        status.put("interval_seconds", settings.intervalSeconds());
        status.put("cursor", null); // until the first read
        status.put("full_reconciliation_required", false);
        jdbc.query("select created, last_event_id, last_run_at, last_result::text, last_error, gap_since from sync_cursors where name = ?", rs -> {
            status.put("cursor", Instant.ofEpochSecond(rs.getLong(1)).toString());
            status.put("last_event_id", rs.getString(2));
            OffsetDateTime lastRun = rs.getObject(3, OffsetDateTime.class);
            status.put("last_run_at", lastRun == null ? null : lastRun.toString());
            status.put("last_result", JsonText.read(rs.getString(4)));
            status.put("last_error", rs.getString(5));
            OffsetDateTime gap = rs.getObject(6, OffsetDateTime.class);
            status.put("full_reconciliation_required", gap != null && reconciled.map(at -> !at.isAfter(gap)).orElse(true));
            status.put("gap_noticed_at", gap == null ? null : gap.toString());
        }, CURSOR);
        return status;
    }
}
