package io.twoway.stripe;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
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
 *   <li>a member that starts wanting while others send waits until each of them has cut its rate to the new split
 *       (each writes the share it sends at with its heartbeat, after the cut took effect), then one more window, so
 *       that none of their faster requests is left in it; alone, it sends at once. Renewals are serialised by an
 *       advisory lock, so two members cannot both believe they are alone;</li>
 *   <li>a member stops wanting only after {@code idleAfter} (longer than the window and the margin) without asking for
 *       a permit or sending, so the others take its share back when none of its requests is left in the window;</li>
 *   <li>the lease is also in the governor: no request leaves once half the lease has passed without a renewal, so an
 *       instance cut off from the database has stopped (and its last requests have left the window) before the others
 *       drop it from the split at the full lease; one that died is dropped the same way, and its share moves to them.</li>
 * </ul>
 * A member with no share denies its senders; the first sender that finds itself denied asks for a renewal at once.
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

    /** True once this member may send: alone, or after every other member took the cut its joining made. */
    private boolean sending;
    private long lastRenewedNanos = System.nanoTime();
    private volatile int sharingMembers;
    private int loggedSharing = 1;
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
        // idle only once its last request, however long it took to arrive, has left the window
        this.idleAfterNanos = Math.max(idleAfter.toNanos(), 2 * WINDOW_NANOS + margin.toNanos());
        this.marginNanos = margin.toNanos();
        this.member = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString().substring(0, 8);
        this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "twoway-rate-budget-" + budget);
            t.setDaemon(true);
            return t;
        });
        governor.deny();
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

    /**
     * What a renewal found: the other members that want to send, how many of them still send above their share of the
     * new split, and this member's share (0 when it does not want to send).
     */
    private record Split(int othersWanting, int othersAboveSplit, double share) {}

    /**
     * A member's share of the budget among the wanting {@code members} (sorted): whole requests per second, so that the
     * shares of any one-second window add up to the budget (12.5 each of 25 would let 13 + 13 through in some second);
     * the remainder goes one each to the first members. Below one request per second each, an even fraction.
     */
    static double shareOf(String member, List<String> members, double limit) {
        int n = members.size();
        if (limit < n) {
            return limit / n;
        }
        long whole = (long) Math.floor(limit);
        return whole / n + (members.indexOf(member) < whole % n ? 1 : 0);
    }

    /** One renewal: runs on the ticker thread only. */
    synchronized void renew() {
        long now = System.nanoTime();
        boolean wants = governor.busy(idleAfterNanos, now);
        if (sending && now - lastRenewedNanos >= lease.toNanos() / 2) {
            // the lease in the governor ran out: the others may have dropped this instance and taken its share, so it
            // joins again as a newcomer, and waits for their cut
            LOG.warn("Rate budget {}: lease not renewed for {} ms; sending stopped until it joins again", budget,
                    TimeUnit.NANOSECONDS.toMillis(now - lastRenewedNanos));
            sending = false;
            share = 0;
        }
        try {
            Split split = transactions.execute(status -> {
                // joins and leaves one at a time, so that two members never both find themselves alone
                jdbc.queryForObject("select pg_advisory_xact_lock(hashtext(?))", Object.class, "twoway-rate-budget:" + budget);
                jdbc.update("delete from rate_budget_members where budget = ? and heartbeat_at < now() - make_interval(secs => ?)",
                        budget, lease.toMillis() / 1000.0);
                Map<String, Double> others = new TreeMap<>();
                jdbc.query("select member, share from rate_budget_members where budget = ? and member <> ? and wants",
                        rs -> { others.put(rs.getString(1), rs.getDouble(2)); }, budget, member);
                List<String> wanting = new ArrayList<>(others.keySet());
                if (wants) {
                    wanting.add(member);
                }
                Collections.sort(wanting);
                Split found = new Split(others.size(), (int) others.entrySet().stream()
                        .filter(other -> other.getValue() > shareOf(other.getKey(), wanting, limit) + 1e-9).count(),
                        wants ? shareOf(member, wanting, limit) : 0);
                double next = found.share();
                if (wants && sending) {
                    // the cut takes effect before the others can read it
                    governor.setRate(next, System.nanoTime());
                }
                jdbc.update("""
                        insert into rate_budget_members (budget, member, wants, share, heartbeat_at) values (?, ?, ?, ?, now())
                        on conflict (budget, member) do update set wants = excluded.wants, share = excluded.share, heartbeat_at = now()
                        """, budget, member, wants, sending || !wants ? next : 0);
                return found;
            });
            apply(wants, split, now);
        } catch (RuntimeException e) {
            LOG.debug("Rate budget {}: renewal failed", budget, e);
        }
    }

    private void apply(boolean wants, Split split, long now) {
        double next = split.share();
        sharingMembers = split.othersWanting() + (wants ? 1 : 0);
        if (!wants) {
            sending = false;
            share = 0;
            governor.deny();
            return;
        }
        // the lease in the governor: no request leaves once half the lease has passed without a renewal, so an
        // instance cut off from the database has stopped well before the others take its share
        long until = now + lease.toNanos() / 2;
        lastRenewedNanos = now;
        if (sending) {
            governor.allow(now, until);
            share = next;
        } else if (split.othersWanting() == 0 || split.othersAboveSplit() == 0) {
            // alone: at once; beside others: once each has cut its rate to the new split, and a whole window has
            // passed since, so that none of their faster requests is left in it
            governor.setRate(next, now);
            governor.allow(split.othersWanting() == 0 ? now : now + WINDOW_NANOS + marginNanos, until);
            sending = true;
            share = next;
        } else {
            return; // joining, until every other member has taken the cut
        }
        if (sharingMembers != loggedSharing) {
            // what an operator wants to see: instances joining and leaving the split, not each idle spell of this one
            LOG.info("Rate budget {}: {} instance(s) share {}/s, this one {}/s", budget, sharingMembers, limit, String.format("%.2f", next));
            loggedSharing = sharingMembers;
        }
    }

    /** Leaves the budget: after its last request has left the window, so that the others may take its share at once. */
    @Override
    public void close() {
        ticker.shutdownNow();
        governor.deny();
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
