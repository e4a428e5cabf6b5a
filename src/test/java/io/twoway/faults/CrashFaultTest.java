package io.twoway.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.twoway.config.CrashPoints;
import io.twoway.testsupport.LocalInfrastructure;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Crash points: one Twoway process killed on the spot ({@code Runtime.halt}, as {@code kill -9} would) at each point
 * where a change is between two systems, each restart recovering what the previous crash left and then dying at the
 * next point, and a last clean start. Afterwards every change the API accepted is in Stripe once, in order, and the
 * catalog holds what was accepted.
 */
class CrashFaultTest extends FaultScenario {

    private static final Duration CRASH_WITHIN = Duration.ofSeconds(120);

    @Test
    void aProcessKilledAtEachCrashPointLosesAndDoublesNothing() throws Exception {
        Workload workload = new Workload("crash");
        try (TwowayProcess twoway = twoway("crash", Map.of())) {
            webhooksTo(twoway);

            // 0. a customer created and renamed on a healthy run, in Stripe and agreed, then the process is killed anywhere
            twoway.start();
            long anchor = workload.create(twoway.apiPort()).orElseThrow();
            assertThat(workload.rename(twoway.apiPort(), anchor)).isTrue();
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> DeliveryAudit.of(workload, INFRA.stripe, INFRA.jdbc()).clean()
                    && INFRA.count("select count(*) from webhook_events where status = 'pending'") == 0);
            twoway.kill();

            // 1. the API committed each change and its outbox event; the relay claims a batch and dies before the Kafka send
            //    (the sync is off for this start and the next, so that a backlog is left for step 3)
            twoway.start(Map.of("twoway.stripe.enabled", "false"), crashAt(CrashPoints.Point.RELAY_BEFORE_KAFKA_SEND, 30));
            for (int i = 0; i < 2_000 && twoway.isAlive(); i++) {
                long id = workload.create(twoway.apiPort()).orElse(-1L);
                if (id > 0 && i % 3 == 0) {
                    workload.rename(twoway.apiPort(), id);
                }
            }
            assertThat(twoway.awaitExit(CRASH_WITHIN)).as("halted at %s", CrashPoints.Point.RELAY_BEFORE_KAFKA_SEND).isEqualTo(137);
            assertThat(workload.changes()).as("changes accepted before the crash").isGreaterThan(5);

            // 2. the restarted relay sends the backlog; Kafka acknowledges it; the process dies before the outbox is marked
            twoway.launch(Map.of("twoway.stripe.enabled", "false"), crashAt(CrashPoints.Point.RELAY_AFTER_KAFKA_ACK, 1));
            assertThat(twoway.awaitExit(CRASH_WITHIN)).as("halted at %s", CrashPoints.Point.RELAY_AFTER_KAFKA_ACK).isEqualTo(137);

            // 3. the batch goes to Kafka a second time; the sync calls Stripe; the process dies before the ledger records it
            twoway.launch(Map.of(), crashAt(CrashPoints.Point.SYNC_AFTER_STRIPE_ANSWER, 2));
            assertThat(twoway.awaitExit(CRASH_WITHIN)).as("halted at %s", CrashPoints.Point.SYNC_AFTER_STRIPE_ANSWER).isEqualTo(137);

            // 4. meanwhile the first customer is renamed in Stripe (by hand, say); the restarted process reads the event
            //    (webhook or catch-up) and dies in the middle of applying it, or an echo that came first
            String stripeName = renameInStripe(stripeIdOf(anchor), workload, anchor);
            twoway.launch(Map.of(), crashAt(CrashPoints.Point.INBOX_MID_APPLY, 1));
            assertThat(twoway.awaitExit(CRASH_WITHIN)).as("halted at %s", CrashPoints.Point.INBOX_MID_APPLY).isEqualTo(137);

            // 5. a clean start recovers the rest
            twoway.start();
            DeliveryAudit audit = settle(workload, Duration.ofSeconds(90));
            assertThat(INFRA.jdbc().queryForObject("select name from customers where id = ?", String.class, anchor))
                    .as("the Stripe rename reached the catalog").isEqualTo(stripeName);
            assertNothingLostOrDoubled(audit, "crash points", "5 kills: anywhere, after the outbox commit, after Kafka's ack, after Stripe's answer, mid webhook apply");
        }
    }

    private static Map<String, String> crashAt(CrashPoints.Point point, int pass) {
        return Map.of(CrashPoints.VARIABLE, point.id() + ":" + pass);
    }

    private static String stripeIdOf(long localId) {
        List<String> ids = INFRA.jdbc().queryForList("select stripe_customer_id from customers where id = ? and stripe_customer_id is not null",
                String.class, localId);
        return ids.isEmpty() ? null : ids.get(0);
    }

    /** Renames the customer in Stripe as a person in the dashboard would; the workload expects the new name everywhere. */
    private static String renameInStripe(String stripeId, Workload workload, long localId) throws Exception {
        List<String> names = workload.accepted.get(localId);
        String name = names.get(0).replaceAll(" v\\d+$", "") + " v" + (names.size() + 1);
        HttpResponse<String> reply = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(INFRA.stripe.baseUrl() + "/v1/customers/" + stripeId))
                .header("Authorization", "Bearer " + LocalInfrastructure.SANDBOX_API_KEY)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=" + URLEncoder.encode(name, StandardCharsets.UTF_8))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(reply.statusCode()).as(reply.body()).isEqualTo(200);
        names.add(name);
        return name;
    }
}
