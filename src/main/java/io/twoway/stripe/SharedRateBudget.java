package io.twoway.stripe;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Scale-out: one account's rate limit shared by every instance that sends to it, through PostgreSQL, with no server
 * of its own. Each instance is a member with a heartbeat (a lease, renewed every {@code renew}); a member that wants
 * to send (its governor was asked for a permit within {@code idleAfter}) may send {@code budget / wanting members}.
 *
 * <p>The split holds in every one-second window, not just on average:
 * <ul>
 *   <li>a member that starts wanting while others already send waits until every other member has seen it and its
 *       smaller share has covered a whole window ({@code renew + 1 s + margin}); alone, it sends at once. Joins are
 *       serialised by an advisory lock, so two members cannot both believe they are alone;</li>
 *   <li>a member stops wanting only after {@code idleAfter} (longer than the window) without a request, so the others
 *       take its share back when none of its requests is left in the window;</li>
 *   <li>a member that cannot renew its lease for {@code lease} closes its governor, since the others have stopped
 *       counting it; one that died is dropped by the others after {@code lease}, and its share moves to them.</li>
 * </ul>
 * A member with no share keeps its governor closed; the first sender that finds it closed asks for a renewal at once.
 */
public final class SharedRateBudget implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SharedRateBudget.class);
    private static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final String budget;
    private final double limit;
    private final RateGovernor governor;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate transactions;
    private final Duration renew;
    private final Duration lease;
    private final long idleAfterNanos;
    private final long marginNanos;
    private final String member;
    private final ScheduledExecutorService ticker;

    private boolean wanting;
    private long lastRenewedNanos = System.nanoTime();
    private volatile int sharingMembers;
    private volatile double share;

    public SharedRateBudget(String budget, double limit, Duration margin, RateGovernor governor, JdbcTemplate jdbc,
                            TransactionTemplate transactions, Duration renew, Duration lease, Duration idleAfter) {
        this.budget = budget;
        this.limit = limit;
        this.governor = governor;
        this.jdbc = jdbc;
        this.transactions = transactions;
        this.renew = renew;
        this.lease = lease;
        this.idleAfterNanos = Math.max(idleAfter.toNanos(), 2 * WINDOW_NANOS);
        this.marginNanos = margin.toNanos();
        this.member = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "twoway-rate-budget-" + budget);
            t.setDaemon(true);
            return t;
        });
        governor.open(false, 0);
        governor.onDemandWhileClosed(() -> {
            try {
                ticker.execute(this::renew);
            } catch (RejectedExecutionException e) {
                // closed: the service is stopping and sends nothing more
            }
        });
        ticker.scheduleWithFixedDelay(this::renew, 0, renew.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** This instance's requests per second now (0 while it sends nothing), and how many members share the budget. */
    public double share() {
        return share;
    }

    public int sharingMembers() {
        return sharingMembers;
    }

    public String member() {
        return member;
    }

    /** The members as the database has them: id, wanting, share, heartbeat age. */
    public List<Map<String, Object>> members() {
        return jdbc.queryForList("""
                select member, wants, share, round(extract(epoch from now() - heartbeat_at) * 1000)::bigint as heartbeat_age_ms
                from rate_budget_members where budget = ? order by member
                """, budget);
    }

    /** One renewal: runs on the ticker thread only. */
    synchronized void renew() {
        long now = System.nanoTime();
        boolean wants = governor.busy(idleAfterNanos, now);
        try {
            int othersWanting = transactions.execute(status -> {
                // joins and leaves one at a time, so that two members never both find themselves alone
                jdbc.queryForObject("select pg_advisory_xact_lock(hashtext(?))", Object.class, "twoway-rate-budget:" + budget);
                jdbc.update("delete from rate_budget_members where budget = ? and heartbeat_at < now() - make_interval(secs => ?)",
                        budget, lease.toMillis() / 1000.0);
                Integer others = jdbc.queryForObject(
                        "select count(*)::int from rate_budget_members where budget = ? and member <> ? and wants", Integer.class, budget, member);
                double next = wants ? limit / (others + 1) : 0;
                jdbc.update("""
                        insert into rate_budget_members (budget, member, wants, share, heartbeat_at) values (?, ?, ?, ?, now())
                        on conflict (budget, member) do update set wants = excluded.wants, share = excluded.share, heartbeat_at = now()
                        """, budget, member, wants, next);
                return others;
            });
            apply(wants, othersWanting, now);
            lastRenewedNanos = now;
        } catch (RuntimeException e) {
            if (now - lastRenewedNanos > lease.toNanos() && (wanting || share > 0)) {
                // the others no longer count this instance: it sends nothing until it is a member again
                LOG.warn("Rate budget {}: lease not renewed for {} ms ({}); sending stops until it is",
                        budget, TimeUnit.NANOSECONDS.toMillis(now - lastRenewedNanos), e.getMessage());
                wanting = false;
                share = 0;
                governor.open(false, 0);
            } else {
                LOG.debug("Rate budget {}: renewal failed", budget, e);
            }
        }
    }

    private void apply(boolean wants, int othersWanting, long now) {
        sharingMembers = othersWanting + (wants ? 1 : 0);
        if (!wants) {
            if (wanting) {
                LOG.debug("Rate budget {}: idle, share released", budget);
            }
            wanting = false;
            share = 0;
            governor.open(false, 0);
            return;
        }
        double next = limit / (othersWanting + 1);
        governor.setRate(next, now);
        if (!wanting) {
            // alone: at once; beside others: once each has cut its rate and a whole window has passed under the cut
            long from = othersWanting == 0 ? now : now + renew.toNanos() + WINDOW_NANOS + marginNanos;
            governor.open(true, from);
            LOG.info("Rate budget {}: sending at {}/s, {} instance(s) share {}/s", budget, String.format("%.2f", next), othersWanting + 1, limit);
        } else if (next != share) {
            LOG.info("Rate budget {}: share now {}/s, {} instance(s) share {}/s", budget, String.format("%.2f", next), othersWanting + 1, limit);
        }
        wanting = true;
        share = next;
    }

    /** Leaves the budget: after its last request has left the window, so that the others may take its share at once. */
    @Override
    public void close() {
        ticker.shutdownNow();
        governor.open(false, 0);
        try {
            if (governor.busy(WINDOW_NANOS + marginNanos, System.nanoTime())) {
                Thread.sleep(TimeUnit.NANOSECONDS.toMillis(WINDOW_NANOS + marginNanos));
            }
            jdbc.update("delete from rate_budget_members where budget = ? and member = ?", budget, member);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.debug("Rate budget {}: could not leave; the lease runs out", budget, e);
        }
    }
}
