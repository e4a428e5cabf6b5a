package io.twoway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.twoway.sandbox.RecordedRequest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Scale-out under a backlog: one API process (api, relay) and one to three sync processes sharing one Stripe budget
 * through PostgreSQL. A second and a third sync instance join mid-backlog (a rebalance each), the third is killed, the
 * second leaves. The sandbox answers 429 above the budget, as Stripe does: none may come. The rate per phase and how
 * fast a dead instance is dropped from the split are printed as figures; every change reaches Stripe once, in order.
 */
class ScaleOutFaultTest extends FaultScenario {

    private static final int BUDGET = 40;

    @Test
    void syncInstancesShareOneBudgetThroughJoinsADeathAndALeave() throws Exception {
        Workload workload = new Workload("scale out");
        Map<String, String> common = Map.of(
                "twoway.stripe.rate-limit", String.valueOf(BUDGET),
                "twoway.kafka.customer-topic", "scaleout_events",
                "twoway.kafka.dlq-topic", "scaleout_events_dlq",
                "twoway.kafka.consumer-group", "scaleout-stripe-sync",
                "twoway.kafka.partitions", "6",
                "twoway.kafka.consumers", "2");
        List<String> phases = new ArrayList<>();
        Map<String, Instant> marks = new LinkedHashMap<>();
        try (TwowayProcess api = twoway("scaleout-api", with(common, "twoway.roles", "api,relay"));
             TwowayProcess sync1 = twoway("scaleout-sync-1", with(common, "twoway.roles", "sync"));
             TwowayProcess sync2 = twoway("scaleout-sync-2", with(common, "twoway.roles", "sync"));
             TwowayProcess sync3 = twoway("scaleout-sync-3", with(common, "twoway.roles", "sync"))) {
            api.start();
            webhooksTo(api);
            sync1.start();
            INFRA.stripe.rateLimit(BUDGET);
            Instant from = Instant.now();
            // a backlog of about a minute at the budget, some customers renamed right after they were created
            for (int i = 0; i < 2_400; i++) {
                long id = workload.create(api.apiPort()).orElseThrow();
                if (i % 10 == 0) {
                    workload.rename(api.apiPort(), id);
                }
            }
            marks.put("1 sync instance", Instant.now());
            Thread.sleep(5_000);
            sync2.start();
            marks.put("2 sync instances (one joined)", Instant.now());
            Thread.sleep(8_000);
            sync3.start();
            marks.put("3 sync instances (one joined)", Instant.now());
            Thread.sleep(8_000);
            long members = budgetMembers();
            sync3.kill();
            Instant killed = Instant.now();
            marks.put("2 sync instances (one killed)", killed);
            // the dead instance's lease runs out and the others split the budget without it
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> budgetMembers() == members - 1);
            Duration shareMoved = Duration.between(killed, Instant.now());
            Thread.sleep(6_000);
            sync2.stop();
            marks.put("1 sync instance (one left)", Instant.now());

            DeliveryAudit audit = settle(workload, Duration.ofSeconds(180));
            Instant to = Instant.now();
            List<RecordedRequest> calls = INFRA.stripe.requests().stream().filter(r -> r.at().isAfter(from) && r.at().isBefore(to)).toList();
            long limited = calls.stream().filter(r -> r.status() == 429).count();
            // on a failure, what was in the second before each 429
            calls.stream().filter(r -> r.status() == 429).forEach(r -> System.out.println("429 at " + r.at() + " " + marks + " window: "
                    + calls.stream().filter(c -> !c.at().isAfter(r.at()) && c.at().isAfter(r.at().minusSeconds(1)))
                            .collect(java.util.stream.Collectors.groupingBy(c -> c.method() + " " + c.path().replaceAll("cus_\\w+", "{id}"), java.util.stream.Collectors.counting()))));
            Instant lastCall = calls.get(calls.size() - 1).at();
            List<Instant> bounds = new ArrayList<>(marks.values());
            bounds.add(lastCall);
            List<String> names = new ArrayList<>(marks.keySet());
            for (int i = 0; i < names.size(); i++) {
                Instant a = bounds.get(i), b = bounds.get(i + 1);
                long n = calls.stream().filter(r -> !r.at().isBefore(a) && r.at().isBefore(b)).count();
                double seconds = Duration.between(a, b).toMillis() / 1000.0;
                phases.add(String.format("%s %.1f/s (%.0f %%)", names.get(i), n / seconds, 100 * n / seconds / BUDGET));
            }
            long busiest = busiestSecond(calls);
            double overall = calls.size() / (Duration.between(calls.get(0).at(), lastCall).toMillis() / 1000.0);
            String figures = String.format("budget %d/s: %d calls, none answered 429, busiest second %d; %.1f/s overall (%.0f %%); %s;"
                    + " the killed instance dropped from the split in %.1f s", BUDGET, calls.size(), busiest, overall, 100 * overall / BUDGET,
                    String.join(", ", phases), shareMoved.toMillis() / 1000.0);
            System.out.println("Scale-out: " + figures);
            assertThat(limited).as("calls Stripe answered 429: " + figures).isZero();
            assertThat(busiest).as("requests in the busiest one-second window").isLessThanOrEqualTo(BUDGET);
            assertNothingLostOrDoubled(audit, "rebalance, shared budget", figures);
        }
    }

    private static Map<String, String> with(Map<String, String> common, String key, String value) {
        Map<String, String> p = new LinkedHashMap<>(common);
        p.put(key, value);
        return p;
    }

    /** The most calls that reached the sandbox within any one second. */
    private static long busiestSecond(List<RecordedRequest> calls) {
        long busiest = 0;
        for (int i = 0, j = 0; j < calls.size(); j++) {
            while (Duration.between(calls.get(i).at(), calls.get(j).at()).toNanos() >= 1_000_000_000L) {
                i++;
            }
            busiest = Math.max(busiest, j - i + 1);
        }
        return busiest;
    }

    private static long budgetMembers() {
        return INFRA.count("select count(*) from rate_budget_members where budget = 'stripe'");
    }
}
