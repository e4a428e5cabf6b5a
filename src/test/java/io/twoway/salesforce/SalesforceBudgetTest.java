package io.twoway.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.twoway.config.TwowayProperties;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** The daily budget governor on its own: the slow-down, the stop, the check and the resume. */
class SalesforceBudgetTest {

    private final MutableClock clock = new MutableClock();

    private SalesforceBudget budget(long dailyBudget) {
        TwowayProperties.Salesforce settings = new TwowayProperties.Salesforce(true, "http://localhost", "id", "secret", "v62.0", "", dailyBudget,
                80, 60, "group", "dlq", 200, 500, "delete", 30, 10, 1000, 1000);
        return new SalesforceBudget(settings, clock, new SimpleMeterRegistry());
    }

    @Test
    void callsAreSpacedOutPastTheThresholdAndStopAtTheBudget() throws Exception {
        SalesforceBudget budget = budget(1000);
        budget.observe(700, 100_000);
        assertThat(budget.spacingMs()).isZero();
        budget.observe(900, 100_000);
        assertThat(budget.spacingMs()).isEqualTo(SalesforceBudget.MAX_SPACING_MS / 2);
        budget.observe(1000, 100_000);
        assertThat(budget.isStopped()).isTrue();
        assertThat(budget.snapshot()).containsEntry("state", "stopped").containsEntry("remaining", 0L);
        assertThatThrownBy(budget::acquire).isInstanceOfSatisfying(SalesforceException.class,
                e -> assertThat(e.kind()).isEqualTo(SalesforceException.Kind.BUDGET));
    }

    @Test
    void theBudgetIsCappedAtTheOrgsLimit() {
        SalesforceBudget budget = budget(1_000_000);
        budget.observe(5_000, 15_000);
        assertThat(budget.budget()).isEqualTo(15_000);
        budget.observe(15_000, 15_000);
        assertThat(budget.isStopped()).isTrue();
    }

    @Test
    void aStopIsCheckedOncePerIntervalAndEndsWhenUsageFalls() throws Exception {
        SalesforceBudget budget = budget(1000);
        budget.refused();
        assertThat(budget.isStopped()).isTrue();
        assertThat(budget.dueForCheck()).as("just stopped").isFalse();
        clock.advance(61);
        assertThat(budget.dueForCheck()).isTrue();
        assertThat(budget.dueForCheck()).as("once per interval").isFalse();
        budget.observe(10, 100_000);
        assertThat(budget.isStopped()).isFalse();
        budget.acquire();
        assertThat(budget.snapshot()).containsEntry("state", "open").containsEntry("used", 10L);
    }

    private static final class MutableClock extends Clock {
        private Instant now = Instant.parse("2026-11-26T12:00:00Z");

        void advance(long seconds) {
            now = now.plusSeconds(seconds);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
