package io.twoway.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.stripe.StripeClient;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerUpdateParams;
import io.twoway.sandbox.RecordedRequest;
import io.twoway.testsupport.Http;
import io.twoway.testsupport.IntegrationTest;
import io.twoway.testsupport.LocalInfrastructure;
import io.twoway.testsupport.StripeEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** Inward sync end to end: Stripe (the sandbox, or signed events) → POST /webhooks/stripe → inbox → local catalog. */
class InwardSyncTest extends IntegrationTest {

    @Autowired
    private InboxApply inboxApply;

    @Autowired
    private org.apache.camel.CamelContext camel;

    private static final Duration WAIT = Duration.ofSeconds(30);

    private StripeClient stripeApi() {
        return StripeClient.builder().setApiKey(LocalInfrastructure.SANDBOX_API_KEY).setApiBase(stripe.baseUrl()).setMaxNetworkRetries(0).build();
    }

    private StripeEvents events() {
        return new StripeEvents(http(), WEBHOOK_SECRET);
    }

    private static String email() {
        return "in-" + UUID.randomUUID() + "@example.com";
    }

    private Map<String, Object> localByStripeId(String stripeId) {
        List<Map<String, Object>> rows = jdbc.queryForList("select * from customers where stripe_customer_id = ?", stripeId);
        return rows.isEmpty() ? null : rows.get(0);
    }

    private String status(String eventId) {
        List<String> s = jdbc.queryForList("select status from webhook_events where id = ?", String.class, eventId);
        return s.isEmpty() ? null : s.get(0);
    }

    private void awaitStatus(String eventId, String expected) {
        await().atMost(WAIT).until(() -> expected.equals(status(eventId)));
    }

    private long stripeWrites(String pathPrefix) {
        return stripe.requests().stream().filter(r -> !r.method().equals("GET") && r.path().startsWith(pathPrefix)).count();
    }

    @Test
    void customerCreatedUpdatedAndDeletedInStripeReachesTheLocalCatalog() throws Exception {
        String email = email();
        var created = stripeApi().v1().customers().create(CustomerCreateParams.builder().setName("Stripe Made").setEmail(email).build());
        await().atMost(WAIT).until(() -> localByStripeId(created.getId()) != null);
        Map<String, Object> local = localByStripeId(created.getId());
        assertThat(local).containsEntry("name", "Stripe Made").containsEntry("email", email).containsEntry("origin", "stripe")
                .containsEntry("is_active", true);
        long id = ((Number) local.get("id")).longValue();
        assertThat(http().get("/customers/" + id).json().path("data").path("stripe_customer_id").asText()).isEqualTo(created.getId());

        stripeApi().v1().customers().update(created.getId(), CustomerUpdateParams.builder().setName("Stripe Renamed").build());
        await().atMost(WAIT).until(() -> "Stripe Renamed".equals(localByStripeId(created.getId()).get("name")));

        stripeApi().v1().customers().delete(created.getId());
        await().atMost(WAIT).until(() -> Boolean.FALSE.equals(localByStripeId(created.getId()).get("is_active")));
        assertThat(http().get("/customers/" + id).status()).isEqualTo(404);
        assertThat(count("select count(*) from customers where id = ?", id)).as("the row and its history stay").isEqualTo(1);
        // the three inward changes wrote outbox events (for other integrations), and none of them went back to Stripe
        List<String> outboxIds = jdbc.queryForList("select id::text from outbox_events where aggregate_id = ?", String.class, String.valueOf(id));
        assertThat(outboxIds).hasSize(3);
        assertThat(jdbc.queryForList("select payload->>'origin' from outbox_events where aggregate_id = ?", String.class, String.valueOf(id)))
                .containsOnly("stripe");
        await().atMost(WAIT).until(() -> count("select count(*) from processed_events where event_id in (select id::text from outbox_events where aggregate_id = ?)",
                String.valueOf(id)) == 3);
        assertThat(stripe.requests()).extracting(RecordedRequest::idempotencyKey).doesNotContainAnyElementsOf(outboxIds);
    }

    @Test
    void echoesOfRestCreateAndUpdateChangeNothing() {
        long id = http().createCustomer("Echo Me", email());
        await().atMost(WAIT).until(() -> jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, id) != null);
        String stripeId = jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, id);
        await().atMost(WAIT).until(() -> count("select count(*) from webhook_events where object_id = ? and status = 'echo'", stripeId) == 1);
        assertThat(http().put("/customers/" + id, "{\"name\":\"Echo Me Again\"}").status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> count("select count(*) from webhook_events where object_id = ? and status = 'echo'", stripeId) == 2);

        assertThat(stripeWrites("/v1/customers")).isGreaterThan(0);
        assertThat(stripe.requests()).filteredOn(r -> r.method().equals("POST") && r.path().equals("/v1/customers")
                && String.valueOf(id).equals(r.form().get("metadata[twoway_customer_id]"))).hasSize(1);
        assertThat(stripeWrites("/v1/customers/" + stripeId)).as("one update, no write caused by the echoes").isEqualTo(1);
        assertThat(jdbc.queryForMap("select version, name, origin from customers where id = ?", id))
                .containsEntry("version", 2L).containsEntry("name", "Echo Me Again").containsEntry("origin", "api");
        assertThat(count("select count(*) from outbox_events where aggregate_id = ?", String.valueOf(id))).isEqualTo(2);
        assertThat(count("select applied_version from sync_state where customer_id = ?", id)).isEqualTo(2);
    }

    @Test
    void aDuplicateDeliveryIsAppliedOnce() {
        String stripeId = "cus_dup" + UUID.randomUUID().toString().substring(0, 8);
        String body = StripeEvents.event("customer.created", StripeEvents.customer(stripeId, "Dup", email(), null), null,
                Instant.now().getEpochSecond(), null);
        Http.Reply first = events().post(body);
        Http.Reply second = events().post(body);
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.json().path("data").path("status").asText()).isEqualTo("pending");
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().path("data").path("status").asText()).isEqualTo("duplicate");
        awaitStatus(StripeEvents.idOf(body), "applied");
        assertThat(count("select count(*) from customers where stripe_customer_id = ?", stripeId)).isEqualTo(1);
        assertThat(count("select count(*) from webhook_events where id = ?", StripeEvents.idOf(body))).isEqualTo(1);
        assertThat(count("select count(*) from outbox_events e join customers c on e.aggregate_id = c.id::text where c.stripe_customer_id = ?", stripeId))
                .isEqualTo(1);
    }

    @Test
    void aReversedPairOfUpdatesLeavesTheNewerOne() {
        String stripeId = "cus_rev" + UUID.randomUUID().toString().substring(0, 8);
        String email = email();
        long t = Instant.now().getEpochSecond() - 100;
        String create = StripeEvents.event("customer.created", StripeEvents.customer(stripeId, "v1", email, null), null, t, null);
        String older = StripeEvents.event("customer.updated", StripeEvents.customer(stripeId, "v2", email, null), Map.of("name", "v1"), t + 1, null);
        String newer = StripeEvents.event("customer.updated", StripeEvents.customer(stripeId, "v3", email, null), Map.of("name", "v2"), t + 2, null);
        events().post(create);
        awaitStatus(StripeEvents.idOf(create), "applied");
        events().post(newer);
        awaitStatus(StripeEvents.idOf(newer), "applied");
        events().post(older);
        awaitStatus(StripeEvents.idOf(older), "stale");
        assertThat(localByStripeId(stripeId)).containsEntry("name", "v3");
    }

    @Test
    void anUpdateBeforeItsCreateUpsertsAndTheLateCreateIsStale() {
        String stripeId = "cus_late" + UUID.randomUUID().toString().substring(0, 8);
        String email = email();
        long t = Instant.now().getEpochSecond() - 50;
        String create = StripeEvents.event("customer.created", StripeEvents.customer(stripeId, "first", email, null), null, t, null);
        String update = StripeEvents.event("customer.updated", StripeEvents.customer(stripeId, "second", email, null), Map.of("name", "first"), t + 1, null);
        events().post(update);
        awaitStatus(StripeEvents.idOf(update), "applied");
        events().post(create);
        awaitStatus(StripeEvents.idOf(create), "stale");
        assertThat(localByStripeId(stripeId)).containsEntry("name", "second");
    }

    @Test
    void unknownEventTypesAreAnsweredAndIgnored() {
        String body = StripeEvents.event("invoice.paid", Map.of("id", "in_123", "object", "invoice"), null, Instant.now().getEpochSecond(), null);
        Http.Reply reply = events().post(body);
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("data").path("status").asText()).isEqualTo("ignored");
        assertThat(status(StripeEvents.idOf(body))).isEqualTo("ignored");
        assertThat(management().get("/actuator/prometheus").body()).containsPattern(
                "twoway_webhooks_received_total\\{[^}]*status=\"ignored\"[^}]*type=\"invoice.paid\"[^}]*} [1-9]");
    }

    @Test
    void fiftyConcurrentEventsForOneCustomerLeaveTheNewestState() throws Exception {
        String stripeId = "cus_many" + UUID.randomUUID().toString().substring(0, 8);
        String email = email();
        long t = Instant.now().getEpochSecond() - 200;
        String create = StripeEvents.event("customer.created", StripeEvents.customer(stripeId, "n0", email, null), null, t, null);
        events().post(create);
        awaitStatus(StripeEvents.idOf(create), "applied");
        List<String> bodies = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            bodies.add(StripeEvents.event("customer.updated", StripeEvents.customer(stripeId, "n" + i, email, null), Map.of("name", "n" + (i - 1)),
                    t + i, null));
        }
        java.util.Collections.shuffle(bodies);
        ExecutorService pool = Executors.newFixedThreadPool(10);
        try {
            List<Future<Http.Reply>> replies = new ArrayList<>();
            for (String body : bodies) {
                replies.add(pool.submit(() -> events().post(body)));
            }
            for (Future<Http.Reply> reply : replies) {
                assertThat(reply.get().status()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
        await().atMost(WAIT).until(() -> bodies.stream().map(StripeEvents::idOf).noneMatch(id -> "pending".equals(status(id))));
        assertThat(localByStripeId(stripeId)).containsEntry("name", "n50");
        assertThat(count("select count(*) from webhook_events where object_id = ? and status not in ('applied', 'stale')", stripeId)).isZero();
    }

    @Test
    void aPoisonEventIsParkedAndDoesNotHoldOthersBack() {
        String poison = StripeEvents.event("customer.updated", Map.of("object", "customer", "name", "no id"), Map.of(), Instant.now().getEpochSecond(), null);
        String stripeId = "cus_ok" + UUID.randomUUID().toString().substring(0, 8);
        String fine = StripeEvents.event("customer.created", StripeEvents.customer(stripeId, "Fine", email(), null), null, Instant.now().getEpochSecond(), null);
        assertThat(events().post(poison).status()).isEqualTo(200);
        assertThat(events().post(fine).status()).isEqualTo(200);
        awaitStatus(StripeEvents.idOf(poison), "parked");
        awaitStatus(StripeEvents.idOf(fine), "applied");
        assertThat(management().get("/actuator/prometheus").body()).containsPattern("twoway_webhooks_applied_total\\{outcome=\"parked\"[^}]*} [1-9]");
        Http.Reply parked = http().get("/admin/webhooks?status=parked");
        assertThat(parked.body()).contains(StripeEvents.idOf(poison)).contains("data.object.id");
        Http.Reply detail = http().get("/admin/webhooks/" + StripeEvents.idOf(poison));
        assertThat(detail.json().path("data").path("error").asText()).contains("data.object.id");
        assertThat(http().get("/admin/webhooks/evt_unknown").status()).isEqualTo(404);
        assertThat(http().post("/admin/webhooks/" + StripeEvents.idOf(fine) + "/retry", "{}").status()).isEqualTo(409);
        assertThat(http().post("/admin/webhooks/" + StripeEvents.idOf(poison) + "/retry", "{}").status()).isEqualTo(202);
        awaitStatus(StripeEvents.idOf(poison), "parked");
    }

    @Test
    void twoUpdatesDeliveredNewestFirstAreOrderedByReadingStripe() throws Exception {
        var created = stripeApi().v1().customers().create(CustomerCreateParams.builder().setName("A0").setEmail(email()).build());
        await().atMost(WAIT).until(() -> localByStripeId(created.getId()) != null);
        stripe.reorderNextWebhooks(2);
        stripeApi().v1().customers().update(created.getId(), CustomerUpdateParams.builder().setName("A1").build());
        stripeApi().v1().customers().update(created.getId(), CustomerUpdateParams.builder().setName("A2").build());
        await().atMost(WAIT).until(() -> count("select count(*) from webhook_events where object_id = ? and type = 'customer.updated' and status <> 'pending'",
                created.getId()) == 2);
        assertThat(localByStripeId(created.getId())).containsEntry("name", "A2");
        assertThat(stripe.requests()).as("an event that could not be ordered by time was settled by reading the customer")
                .anyMatch(r -> r.method().equals("GET") && r.path().equals("/v1/customers/" + created.getId()));
    }

    @Test
    void aDuplicatedAndADelayedDeliveryFromTheSandboxApplyOnce() throws Exception {
        var created = stripeApi().v1().customers().create(CustomerCreateParams.builder().setName("B0").setEmail(email()).build());
        await().atMost(WAIT).until(() -> localByStripeId(created.getId()) != null);
        long version = ((Number) localByStripeId(created.getId()).get("version")).longValue();
        stripe.duplicateNextWebhooks(1);
        stripeApi().v1().customers().update(created.getId(), CustomerUpdateParams.builder().setName("B1").build());
        await().atMost(WAIT).until(() -> "B1".equals(localByStripeId(created.getId()).get("name")));
        await().atMost(WAIT).until(() -> stripe.webhookDeliveries().stream().filter(d -> d.eventType().equals("customer.updated")
                && d.status() == 200).map(d -> d.eventId()).filter(id -> count("select count(*) from webhook_events where id = ? and object_id = ?",
                id, created.getId()) == 1).count() == 2);
        assertThat(localByStripeId(created.getId())).containsEntry("version", version + 1);
    }

    @Test
    void anEventLeftPendingByACrashIsPickedUpByTheSweeper() {
        String stripeId = "cus_swept" + UUID.randomUUID().toString().substring(0, 8);
        String body = StripeEvents.event("customer.created", StripeEvents.customer(stripeId, "Swept", email(), null), null,
                Instant.now().getEpochSecond(), null);
        // stored, but the process died before the apply queue took it
        jdbc.update("insert into webhook_events (id, source, type, created, object_id, payload, status, received_at) "
                + "values (?, 'stripe', 'customer.created', ?, ?, ?::jsonb, 'pending', now() - interval '1 minute')",
                StripeEvents.idOf(body), Instant.now().getEpochSecond(), stripeId, body);
        awaitStatus(StripeEvents.idOf(body), "applied");
        assertThat(localByStripeId(stripeId)).containsEntry("name", "Swept");
        assertThat(http().get("/admin/webhooks?status=bogus").status()).isEqualTo(400);
        assertThat(http().get("/admin/webhooks?status=applied&type=customer.created&limit=1").json().path("data").path("items")).hasSize(1);
    }

    @Test
    void aStripeChangeOvertakenByTheEchoOfALaterLocalWriteIsNotLost() throws Exception {
        long id = http().createCustomer("Local Name", email());
        await().atMost(WAIT).until(() -> count("select count(*) from webhook_events w join customers c on w.object_id = c.stripe_customer_id "
                + "where c.id = ? and w.status = 'echo'", id) == 1);
        String stripeId = jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, id);
        String changedInStripe = email();
        stripe.delayNextWebhooks(1, Duration.ofSeconds(3));
        stripeApi().v1().customers().update(stripeId, CustomerUpdateParams.builder().setEmail(changedInStripe).build());
        assertThat(http().put("/customers/" + id, "{\"name\":\"New Local Name\"}").status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> changedInStripe.equals(jdbc.queryForObject("select email from customers where id = ?", String.class, id)));
        await().atMost(WAIT).until(() -> count("select count(*) from webhook_events where object_id = ? and status = 'pending'", stripeId) == 0
                && count("select count(*) from webhook_events where object_id = ?", stripeId) == 3);
        assertThat(jdbc.queryForMap("select name, email from customers where id = ?", id))
                .containsEntry("name", "New Local Name").containsEntry("email", changedInStripe);
        assertThat(stripe.customer(stripeId).orElseThrow()).containsEntry("name", "New Local Name").containsEntry("email", changedInStripe);
    }

    @Test
    void settledEventsArePrunedAfterTheRetentionButPendingAndParkedOnesStay() {
        for (String status : List.of("applied", "pending", "parked")) {
            jdbc.update("insert into webhook_events (id, source, type, created, object_id, payload, status, received_at) "
                    + "values (?, 'stripe', 'customer.updated', 1, 'cus_old', '{}'::jsonb, ?, now() - interval '31 days')", "evt_old_" + status, status);
        }
        int pruned = inboxApply.prune();
        assertThat(pruned).isGreaterThanOrEqualTo(1);
        assertThat(jdbc.queryForList("select id from webhook_events where id like 'evt_old_%'", String.class))
                .doesNotContain("evt_old_applied").contains("evt_old_parked", "evt_old_pending");
    }

    @Test
    void aStripeCustomerIsLinkedByEmailToALocalOneNotYetInStripeAndNoSecondIsMade() throws Exception {
        String email = email();
        camel.getRouteController().stopRoute("stripe-customer-sync");
        long id;
        String stripeId;
        try {
            id = http().createCustomer("Local First", email);
            stripeId = stripeApi().v1().customers().create(CustomerCreateParams.builder().setName("Stripe First").setEmail(email).build()).getId();
            await().atMost(WAIT).until(() -> stripeId.equals(jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, id)));
        } finally {
            camel.getRouteController().startRoute("stripe-customer-sync");
        }
        await().atMost(WAIT).until(() -> count("select count(*) from processed_events where event_id in "
                + "(select id::text from outbox_events where aggregate_id = ?)", String.valueOf(id)) >= 1);
        assertThat(count("select count(*) from customers where lower(email) = lower(?)", email)).isEqualTo(1);
        assertThat(stripe.customers()).filteredOn(c -> email.equals(c.get("email"))).hasSize(1);
        assertThat(stripe.requests()).noneMatch(r -> r.method().equals("POST") && r.path().equals("/v1/customers")
                && String.valueOf(id).equals(r.form().get("metadata[twoway_customer_id]")));
    }
}
