package io.twoway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariDataSource;
import io.twoway.testsupport.LocalInfrastructure;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.DataSourceTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Scale-out: three members of one budget on real PostgreSQL, each with senders that always want to send. Whatever the
 * members do (join, share, go idle, leave), no one-second window holds more requests than the budget, and the shares
 * follow the members that want to send. The rates reached are printed, not asserted (the machine is shared).
 */
class SharedRateBudgetTest {

    private static final double BUDGET = 30;
    private static HikariDataSource dataSource;
    private static JdbcTemplate jdbc;
    private static TransactionTemplate transactions;

    @BeforeAll
    static void database() {
        LocalInfrastructure infra = LocalInfrastructure.start();
        dataSource = new HikariDataSource();
        dataSource.setJdbcUrl(infra.jdbcUrl == null ? System.getProperty("spring.datasource.url") : infra.jdbcUrl);
        dataSource.setUsername(infra.dbUser);
        dataSource.setPassword(infra.dbPassword);
        dataSource.setMaximumPoolSize(6);
        Flyway.configure().dataSource(dataSource).locations("classpath:db/migration").load().migrate();
        jdbc = new JdbcTemplate(dataSource);
        transactions = new TransactionTemplate(new DataSourceTransactionManager(dataSource));
    }

    @AfterAll
    static void close() {
        dataSource.close();
    }

    /** A member and its two senders; every request's send time goes into {@code sends}. */
    private static final class Member implements AutoCloseable {
        final RateGovernor governor = new RateGovernor(BUDGET, Duration.ofMillis(20));
        final SharedRateBudget budget;
        final List<Thread> senders = new ArrayList<>();
        volatile boolean sending = true;

        Member(String name, List<Long> sends) {
            budget = new SharedRateBudget(name, BUDGET, Duration.ofMillis(20), governor, jdbc, transactions,
                    Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(2));
            for (int i = 0; i < 2; i++) {
                Thread t = new Thread(() -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        if (!sending) {
                            sleep(20);
                            continue;
                        }
                        RateGovernor.Permit permit;
                        try {
                            permit = governor.acquire();
                        } catch (InterruptedException e) {
                            return;
                        }
                        long at = System.nanoTime();
                        sends.add(at);
                        governor.answered(permit, at);
                    }
                });
                t.setDaemon(true);
                t.start();
                senders.add(t);
            }
        }

        @Override
        public void close() {
            senders.forEach(Thread::interrupt);
            budget.close();
        }
    }

    @Test
    void membersShareTheBudgetAndNoWindowHoldsMoreThanIt() {
        String name = "test-" + System.nanoTime();
        List<Long> sends = Collections.synchronizedList(new ArrayList<>());
        List<String> figures = new ArrayList<>();
        try (Member a = new Member(name, sends)) {
            figures.add(phase("one member", sends, 2));
            assertThat(a.budget.share()).isEqualTo(BUDGET);
            try (Member b = new Member(name, sends)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> a.budget.share() == BUDGET / 2 && b.budget.share() == BUDGET / 2);
                figures.add(phase("two members", sends, 2));
                try (Member c = new Member(name, sends)) {
                    await().atMost(Duration.ofSeconds(10)).until(() -> a.budget.share() == BUDGET / 3 && c.budget.share() == BUDGET / 3);
                    // each member writes the share it sends at (a joining one 0) with its next heartbeat
                    await().atMost(Duration.ofSeconds(10)).until(() -> BUDGET == jdbc.queryForObject(
                            "select sum(share) from rate_budget_members where budget = ?", Double.class, name));
                    figures.add(phase("three members", sends, 2));
                    // one stops asking: after its idle time it releases its share to the two that still send
                    c.sending = false;
                    await().atMost(Duration.ofSeconds(10)).until(() -> c.budget.share() == 0 && a.budget.share() == BUDGET / 2);
                    assertThat(c.budget.sharingMembers()).isEqualTo(2);
                    c.sending = true;
                    await().atMost(Duration.ofSeconds(10)).until(() -> c.budget.share() == BUDGET / 3);
                }
                // c left: its row is gone and the two others take its share
                await().atMost(Duration.ofSeconds(10)).until(() -> a.budget.share() == BUDGET / 2 && b.budget.share() == BUDGET / 2);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> a.budget.share() == BUDGET);
            figures.add(phase("one member again", sends, 2));
        }
        List<Long> sorted = new ArrayList<>(sends);
        Collections.sort(sorted);
        int limit = (int) BUDGET;
        for (int i = limit; i < sorted.size(); i++) {
            assertThat(sorted.get(i) - sorted.get(i - limit)).as("send %d and the %dth before it", i, limit)
                    .isGreaterThanOrEqualTo(TimeUnit.SECONDS.toNanos(1));
        }
        assertThat(jdbc.queryForObject("select count(*) from rate_budget_members where budget = ?", Integer.class, name)).isZero();
        System.out.println("Shared rate budget of " + BUDGET + "/s, " + sorted.size() + " requests, no window over the budget: "
                + String.join("; ", figures));
    }

    @Test
    void sharesAreWholeRequestsThatAddUpToTheBudget() {
        // 12.5 each of 25 would let 13 + 13 through in some second: whole requests, the remainder to the first members
        assertThat(List.of("a", "b").stream().map(m -> SharedRateBudget.shareOf(m, List.of("a", "b"), 25))).containsExactly(13.0, 12.0);
        assertThat(List.of("a", "b", "c").stream().map(m -> SharedRateBudget.shareOf(m, List.of("a", "b", "c"), 40)))
                .containsExactly(14.0, 13.0, 13.0);
        assertThat(SharedRateBudget.shareOf("a", List.of("a"), 25.5)).isEqualTo(25.0);
        // below one request per second each: an even fraction
        assertThat(SharedRateBudget.shareOf("c", List.of("a", "b", "c"), 2)).isCloseTo(2 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
    }

    private static String phase(String name, List<Long> sends, int seconds) {
        int before = sends.size();
        long start = System.nanoTime();
        sleep(seconds * 1000L);
        double rate = (sends.size() - before) / ((System.nanoTime() - start) / 1e9);
        return String.format("%s %.1f/s (%.0f %% of the budget)", name, rate, 100 * rate / BUDGET);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
