package io.twoway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerUpdateParams;
import io.twoway.sandbox.RecordedRequest;
import io.twoway.testsupport.Http;
import io.twoway.testsupport.LocalInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Catch-up from Stripe's event log: events whose webhooks were dropped reach the local catalog through the same
 * inbox, a second read adds nothing, a restarted reader continues from the stored cursor, and a cursor older than
 * Stripe keeps events asks for a full reconciliation until one has run.
 */
class CatchupTest extends ReconcileIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @Autowired
    private CamelContext camel;

    @AfterEach
    void restore() {
        stripe.clearWebhookFaults();
    }

    private StripeClient api() {
        return StripeClient.builder().setApiKey(LocalInfrastructure.SANDBOX_API_KEY).setApiBase(stripe.baseUrl()).setMaxNetworkRetries(0).build();
    }

    private static String email() {
        return "cu-" + UUID.randomUUID() + "@example.com";
    }

    private JsonNode catchUpNow() {
        Http.Reply reply = http().post("/admin/catchup/run", "");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json();
    }

    private long cursor() {
        return count("select created from sync_cursors where name = 'stripe-events'");
    }

    private long localCount(String stripeId) {
        return count("select count(*) from customers where stripe_customer_id = ?", stripeId);
    }

    private long dropped() {
        return stripe.webhookDeliveries().stream().filter(d -> d.dropped()).count();
    }

    /** Makes the change with its webhook lost on the way, and waits until the sandbox has dropped it. */
    private <T> T webhookLost(int events, StripeCall<T> change) throws Exception {
        long before = dropped();
        stripe.dropNextWebhooks(events);
        T result = change.run();
        await().atMost(WAIT).until(() -> dropped() >= before + events);
        return result;
    }

    private interface StripeCall<T> {
        T run() throws Exception;
    }

    @Test
    void eventsWhoseWebhooksWereDroppedAreRecoveredOnce() throws Exception {
        catchUpNow();
        String synced = api().v1().customers().create(CustomerCreateParams.builder().setName("Catch Me").setEmail(email()).build()).getId();
        await().atMost(WAIT).until(() -> localCount(synced) == 1);

        String missed = webhookLost(1, () -> api().v1().customers().create(
                CustomerCreateParams.builder().setName("Missed Create").setEmail(email()).build()).getId());
        webhookLost(1, () -> api().v1().customers().update(synced, CustomerUpdateParams.builder().setName("Missed Rename").build()));
        assertThat(localCount(missed)).isZero();

        JsonNode read = catchUpNow();
        assertThat(read.path("message").asText()).contains("2 new event(s)");
        assertThat(read.path("data").path("last_result").path("events_new").asInt()).isEqualTo(2);
        await().atMost(WAIT).until(() -> localCount(missed) == 1);
        await().atMost(WAIT).until(() -> "Missed Rename".equals(jdbc.queryForObject(
                "select name from customers where stripe_customer_id = ?", String.class, synced)));
        assertThat(jdbc.queryForObject("select origin from customers where stripe_customer_id = ?", String.class, missed)).isEqualTo("stripe");

        JsonNode again = catchUpNow();
        assertThat(again.path("data").path("last_result").path("events_new").asInt()).as("deduplicated by event id").isZero();
        assertThat(again.path("data").path("last_result").path("events_read").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(again.path("data").path("full_reconciliation_required").asBoolean()).isFalse();
    }

    @Test
    void aRestartedReaderContinuesFromTheStoredCursor() throws Exception {
        catchUpNow();
        camel.getRouteController().stopRoute("stripe-events-catchup");
        String missed = webhookLost(1, () -> api().v1().customers().create(
                CustomerCreateParams.builder().setName("Missed While Down").setEmail(email()).build()).getId());
        long cursor = cursor();
        Instant restart = Instant.now();

        // the scheduled route starts again as at start-up: its first read comes after the initial delay (set to 1 s here)
        camel.getRouteController().startRoute("stripe-events-catchup");
        await().atMost(WAIT).until(() -> localCount(missed) == 1);
        RecordedRequest read = stripe.requests().stream().filter(r -> !r.at().isBefore(restart) && r.path().equals("/v1/events"))
                .findFirst().orElseThrow();
        assertThat(read.query()).containsEntry("created[gte]", String.valueOf(cursor - 60)).containsEntry("type", "customer.*");
        assertThat(cursor()).isGreaterThanOrEqualTo(cursor);
    }

    @Test
    void aCursorOlderThanStripesRetentionAsksForAFullReconciliation() {
        catchUpNow();
        jdbc.update("update sync_cursors set created = ? where name = 'stripe-events'", Instant.now().minus(Duration.ofDays(31)).getEpochSecond());
        JsonNode status = catchUpNow().path("data");
        assertThat(status.path("full_reconciliation_required").asBoolean()).isTrue();
        assertThat(status.path("gap_noticed_at").isNull()).isFalse();
        assertThat(http().get("/admin/catchup").json().path("data").path("full_reconciliation_required").asBoolean()).isTrue();

        long report = http().post("/admin/reconciliation/run?auto_resolve=false", "").json().path("data").path("report_id").asLong();
        await().atMost(WAIT).until(() -> "completed".equals(http().get("/admin/reconciliation/reports/" + report).json().path("data").path("status").asText()));
        assertThat(http().get("/admin/catchup").json().path("data").path("full_reconciliation_required").asBoolean())
                .as("a completed reconciliation closes the gap").isFalse();
    }
}
