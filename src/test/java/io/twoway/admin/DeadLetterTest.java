package io.twoway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.param.CustomerCreateParams;
import io.twoway.stripe.SyncLedger;
import io.twoway.testsupport.Http;
import io.twoway.testsupport.IntegrationTest;
import io.twoway.testsupport.LocalInfrastructure;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Dead letters end to end: a create Stripe refuses is dead-lettered and kept with its error and source offset;
 * replaying it sends the customer's current state again, and when an earlier attempt did make the customer in
 * Stripe (its answer lost), the replay finds and links it instead of making a second one, within Stripe's 24 hours of
 * idempotency and after them; discard, bulk replay, and every error answer. Also the backbone's leftovers: an update
 * of a customer deleted in Stripe outside Twoway, and the pruning of the event ledger.
 */
class DeadLetterTest extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    private SyncLedger ledger;

    private static String email() {
        return "dl-" + UUID.randomUUID() + "@example.com";
    }

    private StripeClient api() {
        return StripeClient.builder().setApiKey(LocalInfrastructure.SANDBOX_API_KEY).setApiBase(stripe.baseUrl()).setMaxNetworkRetries(0).build();
    }

    /** A customer whose create Stripe refused (400): dead-lettered at once; returns the dead letter's id. */
    private long deadLetteredCreate(long[] customer, String email) {
        stripe.failNext("POST", "/v1/customers", 1, 400);
        customer[0] = http().createCustomer("Refused Once", email);
        await().atMost(WAIT).until(() -> count("select count(*) from dead_letters where customer_id = ?", customer[0]) == 1);
        return count("select id from dead_letters where customer_id = ?", customer[0]);
    }

    private JsonNode letter(long id) {
        Http.Reply reply = http().get("/admin/dlq/" + id);
        assertThat(reply.status()).isEqualTo(200);
        return reply.json().path("data");
    }

    @Test
    void aRefusedCreateIsKeptAndAReplayMakesTheCustomerOnce() throws Exception {
        long[] customer = new long[1];
        long id = deadLetteredCreate(customer, email());
        JsonNode kept = letter(id);
        assertThat(kept.path("status").asText()).isEqualTo("open");
        assertThat(kept.path("event_type").asText()).isEqualTo("CustomerCreated");
        assertThat(kept.path("error_class").asText()).endsWith("StripeSyncException$Permanent");
        assertThat(kept.path("http_status").asInt()).isEqualTo(400);
        assertThat(kept.path("source_topic").asText()).isEqualTo("customer_events");
        assertThat(kept.path("source_offset").isNumber()).isTrue();
        assertThat(new ObjectMapper().readTree(kept.path("payload").asText()).path("id").asLong()).as("the original message").isEqualTo(customer[0]);
        assertThat(kept.path("headers").path("twoway_error_attempts").asText()).isEqualTo("1");
        assertThat(stripeCustomersOf(customer[0])).isEmpty();
        JsonNode listed = http().get("/admin/dlq?status=open&error_class=" + kept.path("error_class").asText().replace("$", "%24")).json().path("data");
        assertThat(listed.path("items")).anyMatch(item -> item.path("id").asLong() == id);

        Http.Reply replayed = http().post("/admin/dlq/" + id + "/replay", "");
        assertThat(replayed.status()).as(replayed.body()).isEqualTo(202);
        assertThat(replayed.json().path("data").path("status").asText()).isEqualTo("replayed");
        await().atMost(WAIT).until(() -> stripeCustomersOf(customer[0]).size() == 1);
        await().atMost(WAIT).until(() -> jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, customer[0]) != null);
        assertThat(letter(id).path("audit").get(0).path("action").asText()).isEqualTo("replay");

        assertThat(http().post("/admin/dlq/" + id + "/replay", "").status()).as("no longer open").isEqualTo(409);
        assertThat(http().delete("/admin/dlq/" + id).status()).isEqualTo(409);
    }

    @Test
    void aReplayFindsTheCustomerALostAnswerMadeWithinAndBeyondTheIdempotencyWindow() throws Exception {
        for (boolean windowOver : new boolean[] {false, true}) {
            long[] customer = new long[1];
            String email = email();
            long id = deadLetteredCreate(customer, email);
            // the create had reached Stripe after all: its customer carries the local id, and its webhook was lost
            stripe.dropNextWebhooks(1);
            String made = api().v1().customers().create(CustomerCreateParams.builder().setName("Refused Once").setEmail(email)
                    .putMetadata("twoway_customer_id", String.valueOf(customer[0])).build()).getId();
            if (windowOver) {
                stripe.expireIdempotencyKeys();
            }
            assertThat(http().post("/admin/dlq/" + id + "/replay", "").status()).isEqualTo(202);
            await().atMost(WAIT).until(() -> made.equals(jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, customer[0])));
            assertThat(stripeCustomersOf(customer[0])).as("window over: " + windowOver).hasSize(1);
        }
    }

    @Test
    void discardBulkReplayAndBadRequests() {
        long[] a = new long[1];
        long[] b = new long[1];
        long[] c = new long[1];
        long first = deadLetteredCreate(a, email());
        long second = deadLetteredCreate(b, email());
        long third = deadLetteredCreate(c, email());

        Http.Reply discarded = http().delete("/admin/dlq/" + first);
        assertThat(discarded.status()).isEqualTo(200);
        assertThat(discarded.json().path("data").path("status").asText()).isEqualTo("discarded");
        assertThat(letter(first).path("audit").get(0).path("action").asText()).isEqualTo("discard");
        assertThat(stripeCustomersOf(a[0])).as("a discard sends nothing").isEmpty();

        Http.Reply bulk = http().post("/admin/dlq/replay", "{\"ids\":[" + second + "," + first + ",999999999]}");
        assertThat(bulk.status()).isEqualTo(200);
        JsonNode results = bulk.json().path("data").path("results");
        assertThat(results.get(0).path("status").asInt()).isEqualTo(200);
        assertThat(results.get(1).path("status").asInt()).isEqualTo(409);
        assertThat(results.get(2).path("status").asInt()).isEqualTo(404);
        String errorClass = letter(third).path("error_class").asText();
        Http.Reply byClass = http().post("/admin/dlq/replay", "{\"error_class\":\"" + errorClass + "\"}");
        assertThat(byClass.json().path("data").path("results")).anyMatch(r -> r.path("id").asLong() == third && r.path("status").asInt() == 200);
        await().atMost(WAIT).until(() -> stripeCustomersOf(b[0]).size() == 1 && stripeCustomersOf(c[0]).size() == 1);

        assertThat(http().get("/admin/dlq/999999999").status()).isEqualTo(404);
        assertThat(http().post("/admin/dlq/999999999/replay", "").status()).isEqualTo(404);
        assertThat(http().delete("/admin/dlq/abc").status()).isEqualTo(400);
        assertThat(http().get("/admin/dlq?status=lost").status()).isEqualTo(400);
        assertThat(http().post("/admin/dlq/replay", "{}").status()).isEqualTo(400);
        assertThat(http().post("/admin/dlq/replay", "{\"ids\":[1],\"error_class\":\"x\"}").status()).isEqualTo(400);
        assertThat(http().post("/admin/dlq/replay", "{\"ids\":[1],\"extra\":true}").json().path("errors").get(0).path("field").asText()).isEqualTo("extra");
        assertThat(http().post("/admin/dlq/replay", "not json").status()).isEqualTo(400);
    }

    @Test
    void anUpdateOfACustomerDeletedInStripeOutsideTwowayDeletesItLocally() throws Exception {
        long id = http().createCustomer("Deleted Elsewhere", email());
        await().atMost(WAIT).until(() -> stripeCustomersOf(id).size() == 1);
        String stripeId = (String) stripeCustomersOf(id).get(0).get("id");
        await().atMost(WAIT).until(() -> count("select count(*) from webhook_events where object_id = ? and status <> 'pending'", stripeId) >= 1);
        stripe.dropNextWebhooks(1);
        api().v1().customers().delete(stripeId);
        long dlqBefore = count("select count(*) from dead_letters");

        assertThat(http().put("/customers/" + id, "{\"name\":\"Renamed After\"}").status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> count("select count(*) from customers where id = ? and not is_active", id) == 1);
        assertThat(count("select count(*) from dead_letters")).as("repaired, not dead-lettered").isEqualTo(dlqBefore);
        assertThat(count("select count(*) from sync_state where customer_id = ? and deleted", id)).isEqualTo(1);
        assertThat(stripeCustomersOf(id)).as("not created again under the default setting").isEmpty();
    }

    @Test
    void theEventLedgerIsPrunedByAge() {
        jdbc.update("insert into processed_events (consumer, event_id, processed_at) values ('stripe-customer-sync', 'old-1', now() - interval '40 days'),"
                + " ('stripe-customer-sync', 'recent-1', now() - interval '1 day')");
        assertThat(ledger.prune()).isGreaterThanOrEqualTo(1);
        assertThat(count("select count(*) from processed_events where event_id = 'old-1'")).isZero();
        assertThat(count("select count(*) from processed_events where event_id = 'recent-1'")).isEqualTo(1);
    }
}
