package io.twoway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.twoway.testsupport.IntegrationTest;
import java.util.Date;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quartz.CronExpression;
import org.quartz.Scheduler;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The reconciliation schedule across a cluster: two instances on one database, both with the schedule on, and each
 * cron time fires one run, not one per instance (Quartz's clustered JDBC job store). The second instance is a whole
 * second Twoway application in this JVM, with its own Quartz scheduler.
 */
@TestPropertySource(properties = {
        // JMX names are per JVM; the context of most tests keeps them
        "camel.main.jmx-enabled=false",
        "twoway.reconciliation.enabled=true",
        "twoway.reconciliation.cron=" + ReconciliationScheduleTest.CRON
})
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ReconciliationScheduleTest extends IntegrationTest {

    static final String CRON = "0/2 * * * * ?";

    @Autowired
    private Scheduler scheduler;

    @Test
    void twoInstancesFireOneRunPerCronTime() throws Exception {
        try (ConfigurableApplicationContext second = startAnotherInstance(Map.of())) {
            Scheduler other = second.getBean(Scheduler.class);
            assertThat(other).isNotSameAs(scheduler);
            assertThat(other.getMetaData().isJobStoreClustered()).isTrue();
            assertThat(other.getSchedulerInstanceId()).isNotEqualTo(scheduler.getSchedulerInstanceId());

            Date from = new Date();
            long firedBefore = executed(scheduler) + executed(other);
            Thread.sleep(13_000);
            long fired = executed(scheduler) + executed(other) - firedBefore;
            Date to = new Date();

            int cronTimes = cronTimesBetween(from, to);
            assertThat(cronTimes).isGreaterThanOrEqualTo(5);
            assertThat(fired).as("one fire per cron time across both instances (%d cron times)", cronTimes)
                    .isBetween((long) cronTimes - 1, (long) cronTimes + 1);
            assertThat(count("select count(*) from (select scheduled_for from reconciliation_reports where trigger = 'schedule'"
                    + " group by scheduled_for having count(*) > 1) twice")).as("no cron time opened two reports").isZero();
            assertThat(count("select count(*) from reconciliation_reports where trigger = 'schedule' and status = 'completed'")).isPositive();
        }
    }

    private static long executed(Scheduler scheduler) throws Exception {
        return scheduler.getMetaData().getNumberOfJobsExecuted();
    }

    private static int cronTimesBetween(Date from, Date to) throws Exception {
        CronExpression cron = new CronExpression(CRON);
        int n = 0;
        for (Date t = cron.getNextValidTimeAfter(from); t.before(to); t = cron.getNextValidTimeAfter(t)) {
            n++;
        }
        return n;
    }
}
