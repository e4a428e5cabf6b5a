package io.twoway.reconcile;

import com.stripe.model.Customer;
import io.twoway.stripe.RemoteCustomer;
import io.twoway.stripe.SyncLedger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * Reconciliation: SQL for the reports, their mismatches and audit trail, and the staging table that holds the Stripe
 * customers a run listed, so that both sides are compared page by page in PostgreSQL rather than in memory.
 */
@Repository
public class ReconciliationStore {

    private static final String REPORT_COLUMNS = """
            id, system, status, trigger, requested_by, scheduled_for, auto_resolve, dry_run, source_of_truth, progress::text as progress,
            counts::text as counts, error, started_at, heartbeat_at, finished_at""";
    private static final String MISMATCH_COLUMNS = """
            id, report_id, customer_id, stripe_customer_id, kind, field, local_value, remote_value, local_version, action, direction,
            status, note, conflict_id, resolved_by, resolved_at, detected_at""";

    private final JdbcTemplate jdbc;

    public ReconciliationStore(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Opens a report in status running, unless a run is in progress; one whose instance stopped writing its progress
     * more than {@code abandonAfterSeconds} ago is closed as abandoned first.
     */
    public long start(String trigger, String requestedBy, Instant scheduledFor, boolean autoResolve, boolean dryRun, String sourceOfTruth,
                      long abandonAfterSeconds) {
        return start(SyncLedger.SYSTEM, trigger, requestedBy, scheduledFor, autoResolve, dryRun, sourceOfTruth, abandonAfterSeconds);
    }

    /** The same for that integration's reconciliation: one run at a time per integration. */
    public long start(String system, String trigger, String requestedBy, Instant scheduledFor, boolean autoResolve, boolean dryRun,
                      String sourceOfTruth, long abandonAfterSeconds) {
        jdbc.update("""
                update reconciliation_reports set status = 'abandoned', finished_at = now(),
                    error = 'its instance stopped reporting progress at ' || heartbeat_at
                where status = 'running' and system = ? and heartbeat_at < now() - make_interval(secs => ?)
                """, system, (double) abandonAfterSeconds);
        try {
            return jdbc.queryForObject("""
                    insert into reconciliation_reports (system, status, trigger, requested_by, scheduled_for, auto_resolve, dry_run, source_of_truth)
                    values (?, 'running', ?, ?, ?, ?, ?, ?) returning id
                    """, Long.class, system, trigger, requestedBy, scheduledFor == null ? null : scheduledFor.atOffset(ZoneOffset.UTC), autoResolve, dryRun,
                    sourceOfTruth);
        } catch (DuplicateKeyException e) {
            throw new RunInProgress("Reconciliation", running(system).orElse(0L));
        }
    }

    public Optional<Long> running(String system) {
        return jdbc.queryForList("select id from reconciliation_reports where status = 'running' and system = ?", Long.class, system)
                .stream().findFirst();
    }

    /** Writes the progress of a running report (its heartbeat); false when the report is not running any more. */
    public boolean progress(long reportId, Map<String, Object> progress, Map<String, ?> counts) {
        return jdbc.update("update reconciliation_reports set progress = ?::jsonb, counts = ?::jsonb, heartbeat_at = now() where id = ? and status = 'running'",
                JsonText.write(progress), JsonText.write(counts), reportId) == 1;
    }

    public void finish(long reportId, String status, Map<String, Object> progress, Map<String, ?> counts, String error) {
        jdbc.update("""
                update reconciliation_reports set status = ?, progress = ?::jsonb, counts = ?::jsonb, error = ?, finished_at = now(),
                    heartbeat_at = now() where id = ?
                """, status, JsonText.write(progress), JsonText.write(counts), error, reportId);
    }

    public Optional<Map<String, Object>> report(long id) {
        return jdbc.query("select " + REPORT_COLUMNS + " from reconciliation_reports where id = ?", this::mapReport, id).stream().findFirst();
    }

    public List<Map<String, Object>> reports(int skip, int limit) {
        return jdbc.query("select " + REPORT_COLUMNS + " from reconciliation_reports order by id desc limit ? offset ?", this::mapReport, limit, skip);
    }

    public long countReports() {
        return count("select count(*) from reconciliation_reports");
    }

    /** The last run that finished, for the catch-up's gap: a completed full run closes it. */
    public Optional<OffsetDateTime> lastCompletedStart() {
        return jdbc.queryForList("select max(started_at) from reconciliation_reports where status = 'completed' and not dry_run and system = 'stripe'",
                OffsetDateTime.class).stream().filter(Objects::nonNull).findFirst();
    }

    // ---- staging: the Stripe side of the running comparison

    public void clearStaging() {
        jdbc.update("truncate reconciliation_remote");
    }

    /** One page of listed Stripe customers, in one batch. */
    public void stage(List<Customer> page) {
        jdbc.batchUpdate("insert into reconciliation_remote (stripe_id, local_id, name, email, created) values (?, ?, ?, ?, ?) on conflict do nothing",
                page.stream().map(c -> new Object[] {c.getId(), RemoteCustomer.localId(c.getMetadata()), c.getName(), c.getEmail(),
                        c.getCreated() == null ? 0L : c.getCreated()}).toList());
    }

    public long countCustomers() {
        return count("select count(*) from customers");
    }

    /** The next local customers after {@code afterId}, with their agreed state and what Stripe listed under their id. */
    public List<MismatchRules.LocalRow> localChunk(long afterId, int limit) {
        return jdbc.query("""
                select c.id, c.name, c.email, c.stripe_customer_id, c.is_active, c.version, c.updated_at,
                       s.applied_version, s.name as agreed_name, s.email as agreed_email, s.deleted as agreed_deleted,
                       r.stripe_id is not null as listed, r.name as remote_name, r.email as remote_email,
                       exists(select 1 from reconciliation_remote m where m.local_id = c.id
                              and m.stripe_id is distinct from c.stripe_customer_id) as claimed,
                       c.stripe_customer_id is not null and exists(select 1 from webhook_events w
                           where w.object_id = c.stripe_customer_id and w.status = 'pending') as remote_pending
                from customers c
                left join sync_state s on s.customer_id = c.id and s.system = ?
                left join reconciliation_remote r on r.stripe_id = c.stripe_customer_id
                where c.id > ? order by c.id limit ?
                """, (rs, n) -> new MismatchRules.LocalRow(rs.getLong("id"), rs.getString("name"), rs.getString("email"),
                rs.getString("stripe_customer_id"), rs.getBoolean("is_active"), rs.getLong("version"),
                rs.getObject("updated_at", OffsetDateTime.class), (Long) rs.getObject("applied_version"), rs.getString("agreed_name"),
                rs.getString("agreed_email"), (Boolean) rs.getObject("agreed_deleted"), rs.getBoolean("listed"), rs.getString("remote_name"),
                rs.getString("remote_email"), rs.getBoolean("claimed"), rs.getBoolean("remote_pending")), SyncLedger.SYSTEM, afterId, limit);
    }

    /** The next listed Stripe customers (by id) that no local customer is linked to, with what points at them locally. */
    public List<MismatchRules.RemoteRow> remoteOnlyChunk(String afterStripeId, int limit) {
        return jdbc.query("""
                select r.stripe_id, r.name, r.email, r.created, m.id as meta_id, m.stripe_customer_id as meta_linked,
                       exists(select 1 from reconciliation_remote x where x.stripe_id = m.stripe_customer_id) as meta_linked_listed,
                       exists(select 1 from reconciliation_remote e where e.local_id = r.local_id and e.stripe_id <> r.stripe_id
                              and (e.created, e.stripe_id) < (r.created, r.stripe_id)) as earlier,
                       h.id as holder_id, h.stripe_customer_id as holder_linked,
                       exists(select 1 from sync_state s where s.customer_id = h.id and s.system = ?) as holder_known,
                       exists(select 1 from webhook_events w where w.object_id = r.stripe_id and w.status = 'pending') as remote_pending
                from reconciliation_remote r
                left join customers m on m.id = r.local_id
                left join lateral (select id, stripe_customer_id from customers
                                   where r.email is not null and lower(email) = lower(r.email) and is_active limit 1) h on true
                where r.stripe_id > ? and not exists (select 1 from customers c where c.stripe_customer_id = r.stripe_id)
                order by r.stripe_id limit ?
                """, (rs, n) -> new MismatchRules.RemoteRow(rs.getString("stripe_id"), rs.getString("name"), rs.getString("email"),
                rs.getLong("created"), (Long) rs.getObject("meta_id"), rs.getString("meta_linked"), rs.getBoolean("meta_linked_listed"),
                rs.getBoolean("earlier"),
                (Long) rs.getObject("holder_id"), rs.getString("holder_linked"), rs.getBoolean("holder_known"), rs.getBoolean("remote_pending")),
                SyncLedger.SYSTEM, afterStripeId, limit);
    }

    // ---- mismatches

    public long insertMismatch(long reportId, MismatchRules.Finding f) {
        return jdbc.queryForObject("""
                insert into reconciliation_mismatches (report_id, customer_id, stripe_customer_id, kind, field, local_value, remote_value,
                    local_version, action, direction, status, note)
                values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'open', ?) returning id
                """, Long.class, reportId, f.customerId(), f.stripeId(), f.kind(), f.field(), f.localValue(), f.remoteValue(),
                f.localVersion(), f.action(), f.direction(), f.note());
    }

    public Optional<Mismatch> mismatch(long id) {
        return jdbc.query("select " + MISMATCH_COLUMNS + " from reconciliation_mismatches where id = ?", this::mapMismatch, id).stream().findFirst();
    }

    /** Locks the mismatch for the rest of the transaction, so that two admins cannot resolve it twice. */
    public Optional<Mismatch> lockMismatch(long id) {
        return jdbc.query("select " + MISMATCH_COLUMNS + " from reconciliation_mismatches where id = ? for update", this::mapMismatch, id)
                .stream().findFirst();
    }

    public List<Mismatch> mismatches(long reportId, String kind, String status, int skip, int limit) {
        return jdbc.query("select " + MISMATCH_COLUMNS + " from reconciliation_mismatches where report_id = ?"
                + " and (?::text is null or kind = ?) and (?::text is null or status = ?) order by id limit ? offset ?",
                this::mapMismatch, reportId, kind, kind, status, status, limit, skip);
    }

    public long countMismatches(long reportId, String kind, String status) {
        return count("select count(*) from reconciliation_mismatches where report_id = ? and (?::text is null or kind = ?)"
                + " and (?::text is null or status = ?)", reportId, kind, kind, status, status);
    }

    /** Records how a mismatch was settled (or why it could not be), with an audit row when it was settled. */
    public void settle(long id, String status, String action, String direction, String note, Long conflictId, String actor,
                       Map<String, Object> detail) {
        jdbc.update("""
                update reconciliation_mismatches set status = ?, action = ?, direction = ?, note = ?, conflict_id = ?, resolved_by = ?,
                    resolved_at = now() where id = ?
                """, status, action, direction, note, conflictId, actor, id);
        jdbc.update("insert into reconciliation_audit (mismatch_id, action, direction, actor, detail) values (?, ?, ?, ?, ?::jsonb)",
                id, action, direction, actor, JsonText.write(detail));
    }

    /** An automatic repair that could not be made: the mismatch stays open, and says why. */
    public void note(long id, String note) {
        jdbc.update("update reconciliation_mismatches set note = ? where id = ?", note, id);
    }

    public List<Map<String, Object>> auditTrail(long mismatchId) {
        return jdbc.query("select id, action, direction, actor, detail::text as detail, at from reconciliation_audit where mismatch_id = ? order by id",
                (rs, n) -> {
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("id", rs.getLong("id"));
                    row.put("action", rs.getString("action"));
                    row.put("direction", rs.getString("direction"));
                    row.put("actor", rs.getString("actor"));
                    row.put("detail", JsonText.read(rs.getString("detail")));
                    row.put("at", rs.getObject("at", OffsetDateTime.class).toString());
                    return row;
                }, mismatchId);
    }

    private Map<String, Object> mapReport(ResultSet rs, int n) throws SQLException {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("id", rs.getLong("id"));
        row.put("system", rs.getString("system"));
        row.put("status", rs.getString("status"));
        row.put("trigger", rs.getString("trigger"));
        row.put("requested_by", rs.getString("requested_by"));
        row.put("scheduled_for", time(rs, "scheduled_for"));
        row.put("auto_resolve", rs.getBoolean("auto_resolve"));
        row.put("dry_run", rs.getBoolean("dry_run"));
        row.put("source_of_truth", rs.getString("source_of_truth"));
        row.put("started_at", time(rs, "started_at"));
        row.put("finished_at", time(rs, "finished_at"));
        row.put("heartbeat_at", time(rs, "heartbeat_at"));
        row.put("progress", JsonText.read(rs.getString("progress")));
        row.put("counts", JsonText.read(rs.getString("counts")));
        row.put("error", rs.getString("error"));
        return row;
    }

    private Mismatch mapMismatch(ResultSet rs, int n) throws SQLException {
        return new Mismatch(rs.getLong("id"), rs.getLong("report_id"), (Long) rs.getObject("customer_id"), rs.getString("stripe_customer_id"),
                rs.getString("kind"), rs.getString("field"), rs.getString("local_value"), rs.getString("remote_value"),
                (Long) rs.getObject("local_version"), rs.getString("action"), rs.getString("direction"), rs.getString("status"),
                rs.getString("note"), (Long) rs.getObject("conflict_id"), rs.getString("resolved_by"),
                rs.getObject("resolved_at", OffsetDateTime.class), rs.getObject("detected_at", OffsetDateTime.class));
    }

    private static String time(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toString();
    }

    private long count(String sql, Object... args) {
        Long n = jdbc.queryForObject(sql, Long.class, args);
        return n == null ? 0 : n;
    }


}
