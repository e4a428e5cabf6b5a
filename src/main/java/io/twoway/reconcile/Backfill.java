package io.twoway.reconcile;

import com.stripe.model.Customer;
import io.twoway.config.TwowayProperties;
import io.twoway.conflict.Conflict;
import io.twoway.conflict.ConflictPolicy;
import io.twoway.conflict.ConflictStore;
import io.twoway.customer.CustomerEvents;
import io.twoway.customer.CustomerRepository;
import io.twoway.stripe.RemoteCustomer;
import io.twoway.stripe.StripeGateway;
import io.twoway.stripe.StripeRetry;
import io.twoway.stripe.SyncLedger;
import java.sql.Array;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Backfill ({@code backfill-run}): imports every Stripe customer once. Each one is linked by its Stripe id, then by
 * the local id in its metadata, then by email to an active local customer that is not linked and not being created
 * in Stripe, and otherwise created locally (no outbox event: it came from Stripe). A Stripe customer whose email an
 * other linked customer holds becomes an open email-collision conflict. Each page of 100 and the cursor commit in one
 * transaction, so a crash, a restart or a stop resumes exactly where it ended.
 */
@Component("backfill")
public class Backfill {

    public static final String RUN_HEADER = "TwowayBackfillId";
    public static final String OWNER_HEADER = "TwowayBackfillOwner";
    private static final Logger LOG = LoggerFactory.getLogger(Backfill.class);
    private static final String COLUMNS = "id, status, requested_by, cursor, counts::text as counts, error, started_at, heartbeat_at, finished_at";

    /** The run was stopped by an admin (or taken over) between two pages. */
    private static class Stopped extends RuntimeException {
        Stopped() {
            super("stopped");
        }
    }

    private final StripeGateway stripe;
    private final JdbcTemplate jdbc;
    private final CustomerRepository customers;
    private final TransactionTemplate tx;
    private final SyncLedger ledger;
    private final ConflictStore conflicts;
    private final ConflictPolicy policy;
    private final ProgressTicker ticker;
    private final TwowayProperties.Retry retry;
    private final long abandonAfterSeconds;

    public Backfill(StripeGateway stripe, JdbcTemplate jdbc, CustomerRepository customers, TransactionTemplate tx, SyncLedger ledger, ConflictStore conflicts,
                    ConflictPolicy policy, ProgressTicker ticker, TwowayProperties properties) {
        this.stripe = stripe;
        this.jdbc = jdbc;
        this.customers = customers;
        this.tx = tx;
        this.ledger = ledger;
        this.conflicts = conflicts;
        this.policy = policy;
        this.ticker = ticker;
        this.retry = properties.retry();
        this.abandonAfterSeconds = properties.reconciliation().abandonAfterSeconds();
    }

    /** The right to run one backfill: its id and the owner token its page commits must carry. */
    public record Claim(long id, String owner) {}

    /**
     * Starts a backfill, or resumes the last one from its cursor when it was stopped or failed (or its instance died);
     * {@code restart} starts from the newest Stripe customer again. Throws {@link RunInProgress} while one is running.
     */
    public Claim start(String requestedBy, boolean restart) {
        Optional<Map<String, Object>> last = latest();
        if (last.isPresent() && "running".equals(last.get().get("status"))) {
            long id = (Long) last.get().get("id");
            return claimAbandoned(id).orElseThrow(() -> new RunInProgress("Backfill", id));
        }
        String owner = UUID.randomUUID().toString();
        if (!restart && last.isPresent() && List.of("stopped", "failed").contains(last.get().get("status"))) {
            long id = (Long) last.get().get("id");
            if (jdbc.update("update backfill_runs set status = 'running', owner = ?, error = null, finished_at = null, heartbeat_at = now()"
                    + " where id = ? and status in ('stopped', 'failed')", owner, id) == 1) {
                LOG.info("Backfill {} resumed from {} by {}", id, last.get().get("cursor"), requestedBy);
                return new Claim(id, owner);
            }
        }
        try {
            long id = jdbc.queryForObject("insert into backfill_runs (status, owner, requested_by) values ('running', ?, ?) returning id",
                    Long.class, owner, requestedBy);
            LOG.info("Backfill {} started by {}", id, requestedBy);
            return new Claim(id, owner);
        } catch (DuplicateKeyException e) {
            throw new RunInProgress("Backfill", latest().map(r -> (Long) r.get("id")).orElse(0L));
        }
    }

    /** Stops the running backfill after its current page; false when none runs. */
    public Optional<Long> stop() {
        List<Long> stopped = jdbc.queryForList("update backfill_runs set status = 'stopped', finished_at = now() where status = 'running' returning id", Long.class);
        stopped.forEach(id -> LOG.info("Backfill {} stopped; POST /admin/backfill resumes it", id));
        return stopped.stream().findFirst();
    }

    /** The {@code backfill-resume} step: takes over a running backfill whose instance stopped beating. */
    public void resumeAbandoned(Exchange exchange) {
        latest().filter(r -> "running".equals(r.get("status"))).flatMap(r -> claimAbandoned((Long) r.get("id"))).ifPresent(claim -> {
            LOG.warn("Backfill {} was abandoned by its instance; resuming it here from its cursor", claim.id());
            exchange.getMessage().setHeader(RUN_HEADER, claim.id());
            exchange.getMessage().setHeader(OWNER_HEADER, claim.owner());
        });
    }

    private Optional<Claim> claimAbandoned(long id) {
        String owner = UUID.randomUUID().toString();
        boolean claimed = jdbc.update("update backfill_runs set owner = ?, heartbeat_at = now()"
                + " where id = ? and status = 'running' and heartbeat_at < now() - make_interval(secs => ?)", owner, id, (double) abandonAfterSeconds) == 1;
        return claimed ? Optional.of(new Claim(id, owner)) : Optional.empty();
    }

    public Optional<Map<String, Object>> latest() {
        return jdbc.query("select " + COLUMNS + " from backfill_runs order by id desc limit 1", (rs, n) -> {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("id", rs.getLong("id"));
            row.put("status", rs.getString("status"));
            row.put("requested_by", rs.getString("requested_by"));
            row.put("cursor", rs.getString("cursor"));
            row.put("counts", JsonText.read(rs.getString("counts")));
            row.put("error", rs.getString("error"));
            for (String column : List.of("started_at", "heartbeat_at", "finished_at")) {
                OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
                row.put(column, t == null ? null : t.toString());
            }
            return row;
        }).stream().findFirst();
    }

    /** The {@code backfill-run} step. */
    public void run(Exchange exchange) {
        run(new Claim(exchange.getMessage().getHeader(RUN_HEADER, Long.class), exchange.getMessage().getHeader(OWNER_HEADER, String.class)));
    }

    public void run(Claim claim) {
        long id = claim.id();
        Map<String, Object> row = latest().filter(r -> r.get("id").equals(id)).orElseThrow();
        RunProgress progress = new RunProgress();
        @SuppressWarnings("unchecked")
        Map<String, Object> saved = (Map<String, Object>) row.get("counts");
        saved.forEach((k, v) -> progress.count(k, ((Number) v).longValue()));
        progress.processed(progress.counter("processed"));
        String cursor = (String) row.get("cursor");
        String what = "Backfill " + id;
        MDC.put("correlationId", "backfill-" + id);
        try (AutoCloseable tracking = ticker.track(what, progress, () -> jdbc.update(
                "update backfill_runs set heartbeat_at = now() where id = ? and status = 'running' and owner = ?", id, claim.owner()) == 1)) {
            progress.phase("importing");
            StripeGateway.CustomerPage page;
            do {
                String after = cursor;
                page = StripeRetry.call("Listing Stripe customers", retry, () -> stripe.listCustomers(after));
                if (!page.customers().isEmpty()) {
                    importPage(claim, page.customers(), progress);
                    cursor = page.customers().get(page.customers().size() - 1).getId();
                }
            } while (page.hasMore() && !page.customers().isEmpty());
            jdbc.update("update backfill_runs set status = 'completed', finished_at = now() where id = ? and status = 'running' and owner = ?",
                    id, claim.owner());
            LOG.info("{} completed: {}", what, progress.counters());
        } catch (Stopped e) {
            LOG.info("{} stopped at {}: {}", what, cursor, progress.counters());
        } catch (Exception e) {
            jdbc.update("update backfill_runs set status = 'failed', error = ?, finished_at = now() where id = ? and status = 'running' and owner = ?",
                    e.getClass().getSimpleName() + ": " + e.getMessage(), id, claim.owner());
            LOG.error("{} failed at {}; POST /admin/backfill resumes it from there", what, cursor, e);
        } finally {
            MDC.remove("correlationId");
        }
    }

    /** One page in one transaction with its cursor; a unique-email race with a concurrent write retries the page. */
    private void importPage(Claim claim, List<Customer> page, RunProgress progress) {
        for (int attempt = 1; ; attempt++) {
            try {
                Map<String, Long> counts = tx.execute(status -> importPageOnce(claim, page, progress));
                counts.forEach(progress::count);
                progress.processed(page.size());
                return;
            } catch (DataIntegrityViolationException e) {
                if (attempt == 3) {
                    throw e;
                }
                LOG.info("Backfill {}: a local write raced this page; importing it again", claim.id());
            }
        }
    }

    private Map<String, Long> importPageOnce(Claim claim, List<Customer> page, RunProgress progress) {
        Map<String, Long> counts = new HashMap<>();
        List<String> ids = page.stream().map(Customer::getId).toList();
        Set<String> linked = new HashSet<>(jdbc.query(con -> array(con.prepareStatement(
                "select stripe_customer_id from customers where stripe_customer_id = any(?)"), con.createArrayOf("text", ids.toArray())),
                (rs, n) -> rs.getString(1)));
        List<Long> metaIds = page.stream().map(c -> RemoteCustomer.localId(c.getMetadata())).filter(java.util.Objects::nonNull).toList();
        Map<Long, Local> byId = new HashMap<>();
        jdbc.query(con -> array(con.prepareStatement(LOCAL + " where c.id = any(?)"), con.createArrayOf("bigint", metaIds.toArray())),
                rs -> { Local l = local(rs); byId.put(l.id(), l); });
        List<String> emails = page.stream().map(Customer::getEmail).filter(e -> e != null && !e.isBlank()).map(e -> e.toLowerCase(Locale.ROOT)).toList();
        Map<String, Local> byEmail = new HashMap<>();
        jdbc.query(con -> array(con.prepareStatement(LOCAL + " where c.is_active and lower(c.email) = any(?)"), con.createArrayOf("text", emails.toArray())),
                rs -> { Local l = local(rs); byEmail.put(l.email().toLowerCase(Locale.ROOT), l); });
        for (Customer c : page) {
            String outcome = importOne(claim.id(), c, linked, byId, byEmail);
            counts.merge(outcome, 1L, Long::sum);
        }
        counts.merge("processed", (long) page.size(), Long::sum);
        Map<String, Long> total = new LinkedHashMap<>(progress.counters());
        counts.forEach((k, v) -> total.merge(k, v, Long::sum));
        String cursor = page.get(page.size() - 1).getId();
        if (jdbc.update("update backfill_runs set cursor = ?, counts = ?::jsonb, heartbeat_at = now() where id = ? and status = 'running' and owner = ?",
                cursor, JsonText.write(total), claim.id(), claim.owner()) == 0) {
            throw new Stopped();
        }
        return counts;
    }

    private record Local(long id, String email, String stripeId, boolean known) {}

    private static final String LOCAL = """
            select c.id, c.email, c.stripe_customer_id,
                   exists(select 1 from sync_state s where s.customer_id = c.id and s.system = 'stripe') as known
            from customers c""";

    private static Local local(java.sql.ResultSet rs) throws java.sql.SQLException {
        return new Local(rs.getLong("id"), rs.getString("email"), rs.getString("stripe_customer_id"), rs.getBoolean("known"));
    }

    private static PreparedStatement array(PreparedStatement ps, Array values) throws java.sql.SQLException {
        ps.setArray(1, values);
        return ps;
    }

    private String importOne(long runId, Customer c, Set<String> linked, Map<Long, Local> byId, Map<String, Local> byEmail) {
        if (linked.contains(c.getId())) {
            return "already_linked";
        }
        Long metaId = RemoteCustomer.localId(c.getMetadata());
        Local meta = metaId == null ? null : byId.get(metaId);
        if (meta != null) {
            if (meta.stripeId() != null) {
                LOG.warn("Backfill: Stripe customer {} carries local customer {}, which is linked to {}: a duplicate, left alone",
                        c.getId(), meta.id(), meta.stripeId());
                return "duplicates";
            }
            link(meta.id(), c);
            byId.put(meta.id(), new Local(meta.id(), meta.email(), c.getId(), true));
            return "linked_by_metadata";
        }
        String email = c.getEmail();
        if (email == null || email.isBlank()) {
            return "skipped_no_email";
        }
        Local holder = byEmail.get(email.toLowerCase(Locale.ROOT));
        if (holder != null && holder.stripeId() == null && !holder.known()) {
            link(holder.id(), c);
            byEmail.put(email.toLowerCase(Locale.ROOT), new Local(holder.id(), holder.email(), c.getId(), true));
            return "linked_by_email";
        }
        if (holder != null) {
            Map<String, Object> remote = new LinkedHashMap<>();
            remote.put("id", c.getId());
            remote.put("name", c.getName());
            remote.put("email", email);
            remote.put("email_holder_customer_id", holder.id());
            conflicts.record(new ConflictStore.Detected(ConflictPolicy.EMAIL_COLLISION, null, SyncLedger.SYSTEM, c.getId(), "backfill-" + runId,
                    Map.of(CustomerEvents.EMAIL, Conflict.sides(null, email, null)), remote, policy.strategy(), null, null));
            return "email_conflicts";
        }
        String name = c.getName() == null || c.getName().isBlank() ? email : c.getName();
        var created = customers.insertLinked(name, email, c.getId(), CustomerEvents.ORIGIN_STRIPE);
        ledger.recordAgreed(created.id(), c.getId(), c.getName(), email, false, name.equals(c.getName()) ? created.version() : 0);
        byEmail.put(email.toLowerCase(Locale.ROOT), new Local(created.id(), email, c.getId(), true));
        return "created";
    }

    /** Links without changing either side; what differs is for the next reconciliation to show, with its direction. */
    private void link(long customerId, Customer c) {
        customers.linkStripeCustomer(customerId, c.getId());
        ledger.recordAgreed(customerId, c.getId(), c.getName(), c.getEmail(), false, 0);
    }


}
