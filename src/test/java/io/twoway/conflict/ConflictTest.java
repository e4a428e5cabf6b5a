package io.twoway.conflict;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerUpdateParams;
import io.twoway.testsupport.Http;
import io.twoway.testsupport.IntegrationTest;
import io.twoway.testsupport.LocalInfrastructure;
import io.twoway.testsupport.StripeEvents;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Conflicts end to end: each strategy on both conflict kinds, against the sandbox. A concurrent edit is made by
 * holding the outward consumer while a local change waits, and changing the same field in Stripe meanwhile.
 */
class ConflictTest extends IntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @Autowired
    private ConflictPolicy policy;

    @Autowired
    private CamelContext camel;

    @AfterEach
    void restore() throws Exception {
        policy.configure("flag", true);
        camel.getRouteController().startRoute("stripe-customer-sync");
    }

    private StripeClient api() {
        return StripeClient.builder().setApiKey(LocalInfrastructure.SANDBOX_API_KEY).setApiBase(stripe.baseUrl()).setMaxNetworkRetries(0).build();
    }

    private static String email() {
        return "cf-" + UUID.randomUUID() + "@example.com";
    }

    /** A customer made in Stripe and imported by its webhook; returns the local id. */
    private long imported(String stripeId) {
        await().atMost(WAIT).until(() -> count("select count(*) from customers where stripe_customer_id = ?", stripeId) == 1);
        return count("select id from customers where stripe_customer_id = ?", stripeId);
    }

    private String stripeCustomer(String name, String email) throws Exception {
        return api().v1().customers().create(CustomerCreateParams.builder().setName(name).setEmail(email).build()).getId();
    }

    private Map<String, Object> local(long id) {
        return jdbc.queryForMap("select name, email, version, origin from customers where id = ?", id);
    }

    private Map<String, Object> inStripe(String stripeId) {
        return stripe.customer(stripeId).orElseThrow();
    }

    private JsonNode conflictFor(String externalId, String type) {
        await().atMost(WAIT).until(() -> count("select count(*) from conflicts where external_id = ? and type = ?", externalId, type) == 1);
        long id = count("select id from conflicts where external_id = ? and type = ?", externalId, type);
        Http.Reply reply = http().get("/admin/conflicts/" + id);
        assertThat(reply.status()).isEqualTo(200);
        return reply.json().path("data");
    }

    /** Imported customer "Base"; the outward consumer held; a local rename to "Local" waits; Stripe renames it to "Remote". */
    private long concurrentRename(String stripeId) throws Exception {
        long id = imported(stripeId);
        camel.getRouteController().stopRoute("stripe-customer-sync");
        assertThat(http().put("/customers/" + id, "{\"name\":\"Local\"}").status()).isEqualTo(200);
        api().v1().customers().update(stripeId, CustomerUpdateParams.builder().setName("Remote").build());
        return id;
    }

    private void resumeOutwardAndDrain(long id) throws Exception {
        camel.getRouteController().startRoute("stripe-customer-sync");
        await().atMost(WAIT).until(() -> count("select count(*) from outbox_events o where aggregate_id = ? and not exists "
                + "(select 1 from processed_events p where p.event_id = o.id::text)", String.valueOf(id)) == 0);
    }

    @Test
    void flagLeavesAConcurrentEditOpenAndHoldsTheFieldBackFromStripe() throws Exception {
        String stripeId = stripeCustomer("Base", email());
        long id = concurrentRename(stripeId);
        JsonNode conflict = conflictFor(stripeId, "concurrent_edit");
        assertThat(conflict.path("status").asText()).isEqualTo("open");
        assertThat(conflict.path("strategy").asText()).isEqualTo("flag");
        assertThat(conflict.path("customer_id").asLong()).isEqualTo(id);
        assertThat(conflict.path("fields").path("name").path("local").asText()).isEqualTo("Local");
        assertThat(conflict.path("fields").path("name").path("remote").asText()).isEqualTo("Remote");
        assertThat(conflict.path("fields").path("name").path("base").asText()).isEqualTo("Base");
        resumeOutwardAndDrain(id);
        assertThat(local(id)).containsEntry("name", "Local");
        assertThat(inStripe(stripeId)).as("the open conflict holds the local name back").containsEntry("name", "Remote");

        Http.Reply resolved = http().post("/admin/conflicts/" + conflict.path("id").asLong() + "/resolve", "{\"resolution\":\"accept_local\"}");
        assertThat(resolved.status()).isEqualTo(200);
        assertThat(resolved.json().path("data").path("status").asText()).isEqualTo("resolved");
        await().atMost(WAIT).until(() -> "Local".equals(inStripe(stripeId).get("name")));
        JsonNode after = http().get("/admin/conflicts/" + conflict.path("id").asLong()).json().path("data");
        assertThat(after.path("resolved_by").asText()).isEqualTo("admin");
        assertThat(after.path("audit")).hasSize(1);
        assertThat(after.path("audit").get(0).path("action").asText()).isEqualTo("accept_local");
        assertThat(http().post("/admin/conflicts/" + conflict.path("id").asLong() + "/resolve", "{\"resolution\":\"accept_remote\"}").status())
                .as("a resolved conflict cannot be resolved again").isEqualTo(409);
    }

    @Test
    void acceptRemoteTakesStripesValueLocallyWithoutWritingToStripe() throws Exception {
        String stripeId = stripeCustomer("Base", email());
        long id = concurrentRename(stripeId);
        JsonNode conflict = conflictFor(stripeId, "concurrent_edit");
        resumeOutwardAndDrain(id);
        long writesBefore = stripe.requests().stream().filter(r -> r.method().equals("POST") && r.path().equals("/v1/customers/" + stripeId)).count();
        Http.Reply resolved = http().post("/admin/conflicts/" + conflict.path("id").asLong() + "/resolve", "{\"resolution\":\"accept_remote\"}");
        assertThat(resolved.status()).isEqualTo(200);
        assertThat(local(id)).containsEntry("name", "Remote").containsEntry("origin", "stripe");
        resumeOutwardAndDrain(id);
        assertThat(stripe.requests().stream().filter(r -> r.method().equals("POST") && r.path().equals("/v1/customers/" + stripeId)).count())
                .isEqualTo(writesBefore);
        assertThat(inStripe(stripeId)).containsEntry("name", "Remote");
    }

    @Test
    void manualMergeAppliesTheGivenValuesToBothSides() throws Exception {
        String stripeId = stripeCustomer("Base", email());
        long id = concurrentRename(stripeId);
        JsonNode conflict = conflictFor(stripeId, "concurrent_edit");
        resumeOutwardAndDrain(id);
        Http.Reply resolved = http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(http().base() + "/admin/conflicts/"
                        + conflict.path("id").asLong() + "/resolve")).header("Content-Type", "application/json").header("X-Actor", "ops@example.com")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"resolution\":\"manual_merge\",\"merged\":{\"name\":\"Merged\"}}")));
        assertThat(resolved.status()).isEqualTo(200);
        assertThat(resolved.json().path("data").path("resolved_by").asText()).isEqualTo("ops@example.com");
        assertThat(local(id)).containsEntry("name", "Merged");
        await().atMost(WAIT).until(() -> "Merged".equals(inStripe(stripeId).get("name")));
    }

    @Test
    void rejectKeepsLocalAndPushesItToStripe() throws Exception {
        policy.configure("reject", true);
        String stripeId = stripeCustomer("Base", email());
        long id = concurrentRename(stripeId);
        JsonNode conflict = conflictFor(stripeId, "concurrent_edit");
        assertThat(conflict.path("status").asText()).isEqualTo("auto_resolved");
        assertThat(conflict.path("resolution").asText()).isEqualTo("reject");
        assertThat(conflict.path("resolved_by").asText()).isEqualTo("auto:reject");
        assertThat(conflict.path("audit")).hasSize(1);
        resumeOutwardAndDrain(id);
        assertThat(local(id)).containsEntry("name", "Local");
        await().atMost(WAIT).until(() -> "Local".equals(inStripe(stripeId).get("name")));
    }

    @Test
    void mergeGivesABothSidesEditToTheNewerChange() throws Exception {
        policy.configure("merge", true);
        // a Stripe change stamped no later than the local one (whole seconds; here the second of the agreed state): local
        // wins and is pushed. A forged event, so that the outcome does not hang on which side of a second the calls fall.
        String olderId = stripeCustomer("Base", email());
        long older = imported(olderId);
        camel.getRouteController().stopRoute("stripe-customer-sync");
        assertThat(http().put("/customers/" + older, "{\"name\":\"Local\"}").status()).isEqualTo(200);
        long agreedSecond = count("select remote_created from sync_state where customer_id = ?", older);
        new StripeEvents(http(), WEBHOOK_SECRET).post(StripeEvents.event("customer.updated", Map.of("id", olderId, "object", "customer",
                "name", "Remote", "email", inStripe(olderId).get("email"), "metadata", Map.of()), Map.of("name", "Base"), agreedSecond, null));
        JsonNode first = conflictFor(olderId, "concurrent_edit");
        assertThat(first.path("status").asText()).isEqualTo("auto_resolved");
        assertThat(first.path("resolved_values").path("name").asText()).isEqualTo("Local");
        resumeOutwardAndDrain(older);
        await().atMost(WAIT).until(() -> "Local".equals(inStripe(olderId).get("name")));
        assertThat(local(older)).containsEntry("name", "Local");

        // a change made in Stripe a minute after the local one wins locally (a forged event with a later time)
        String newerId = stripeCustomer("Base", email());
        long newer = concurrentRename(newerId);
        await().atMost(WAIT).until(() -> count("select count(*) from conflicts where external_id = ?", newerId) == 1);
        String later = StripeEvents.event("customer.updated", Map.of("id", newerId, "object", "customer", "name", "Remote Later",
                "email", inStripe(newerId).get("email"), "metadata", Map.of()), Map.of("name", "Remote"), Instant.now().getEpochSecond() + 60, null);
        new StripeEvents(http(), WEBHOOK_SECRET).post(later);
        await().atMost(WAIT).until(() -> "Remote Later".equals(local(newer).get("name")));
        assertThat(jdbc.queryForList("select resolved_values->>'name' from conflicts where external_id = ? order by id", String.class, newerId))
                .containsExactly("Local", "Remote Later");
        // Stripe is made to hold what the forged event said; its own (older) event changes nothing
        api().v1().customers().update(newerId, CustomerUpdateParams.builder().setName("Remote Later").build());
        resumeOutwardAndDrain(newer);
        assertThat(inStripe(newerId)).containsEntry("name", "Remote Later");
        assertThat(local(newer)).containsEntry("name", "Remote Later");
    }

    @Test
    void autoRenameLeavesAConcurrentEditOpen() throws Exception {
        policy.configure("auto_rename", true);
        String stripeId = stripeCustomer("Base", email());
        long id = concurrentRename(stripeId);
        assertThat(conflictFor(stripeId, "concurrent_edit").path("status").asText()).isEqualTo("open");
        resumeOutwardAndDrain(id);
        assertThat(inStripe(stripeId)).containsEntry("name", "Remote");
    }

    @Test
    void withoutAutoResolveEveryConflictStaysOpen() throws Exception {
        policy.configure("reject", false);
        String stripeId = stripeCustomer("Base", email());
        concurrentRename(stripeId);
        JsonNode conflict = conflictFor(stripeId, "concurrent_edit");
        assertThat(conflict.path("status").asText()).isEqualTo("open");
        assertThat(conflict.path("strategy").asText()).isEqualTo("reject");
    }

    /** Customer "Holder" owns an email; Stripe customer S (imported) is changed in Stripe to that email and a new name. */
    private String emailTakenInStripe(String holderEmail) throws Exception {
        long holder = http().createCustomer("Holder", holderEmail);
        await().atMost(WAIT).until(() -> count("select count(*) from sync_state where customer_id = ?", holder) == 1);
        String stripeId = stripeCustomer("S", email());
        imported(stripeId);
        api().v1().customers().update(stripeId, CustomerUpdateParams.builder().setName("S Renamed").setEmail(holderEmail).build());
        return stripeId;
    }

    @Test
    void flagRecordsAnEmailCollisionAndAppliesTheOtherFields() throws Exception {
        String taken = email();
        String stripeId = emailTakenInStripe(taken);
        JsonNode conflict = conflictFor(stripeId, "email_collision");
        assertThat(conflict.path("status").asText()).isEqualTo("open");
        assertThat(conflict.path("fields").path("email").path("remote").asText()).isEqualTo(taken);
        long id = conflict.path("customer_id").asLong();
        assertThat(local(id)).containsEntry("name", "S Renamed");
        assertThat(local(id).get("email")).isNotEqualTo(taken);
        assertThat(http().post("/admin/conflicts/" + conflict.path("id").asLong() + "/resolve", "{\"resolution\":\"accept_remote\"}").status())
                .as("the email still belongs to the other customer").isEqualTo(409);
        String fresh = email();
        Http.Reply merged = http().post("/admin/conflicts/" + conflict.path("id").asLong() + "/resolve",
                "{\"resolution\":\"manual_merge\",\"merged\":{\"email\":\"" + fresh + "\"}}");
        assertThat(merged.status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> fresh.equals(inStripe(stripeId).get("email")));
    }

    @Test
    void rejectKeepsTheLocalEmailOnACollisionAndRestoresItInStripe() throws Exception {
        policy.configure("reject", true);
        String taken = email();
        String stripeId = emailTakenInStripe(taken);
        JsonNode conflict = conflictFor(stripeId, "email_collision");
        assertThat(conflict.path("status").asText()).isEqualTo("auto_resolved");
        long id = conflict.path("customer_id").asLong();
        String kept = local(id).get("email").toString();
        assertThat(kept).isNotEqualTo(taken);
        await().atMost(WAIT).until(() -> kept.equals(inStripe(stripeId).get("email")));
    }

    @Test
    void mergeLeavesAnEmailCollisionOpen() throws Exception {
        policy.configure("merge", true);
        String stripeId = emailTakenInStripe(email());
        assertThat(conflictFor(stripeId, "email_collision").path("status").asText()).isEqualTo("open");
    }

    @Test
    void autoRenameGivesTheIncomingCustomerAUniqueVariant() throws Exception {
        policy.configure("auto_rename", true);
        String taken = email();
        String stripeId = emailTakenInStripe(taken);
        JsonNode conflict = conflictFor(stripeId, "email_collision");
        assertThat(conflict.path("status").asText()).isEqualTo("auto_resolved");
        assertThat(conflict.path("resolved_values").path("original_email").asText()).isEqualTo(taken);
        String variant = taken.replace("@", "+1@");
        long id = conflict.path("customer_id").asLong();
        assertThat(local(id)).containsEntry("email", variant).containsEntry("name", "S Renamed");
        await().atMost(WAIT).until(() -> variant.equals(inStripe(stripeId).get("email")));
    }

    @Test
    void aNewStripeCustomerWithATakenEmailIsNotImportedUntilResolved() throws Exception {
        String taken = email();
        long holder = http().createCustomer("Holder", taken);
        await().atMost(WAIT).until(() -> count("select count(*) from sync_state where customer_id = ?", holder) == 1);
        String stripeId = stripeCustomer("Newcomer", taken);
        JsonNode conflict = conflictFor(stripeId, "email_collision");
        assertThat(conflict.path("customer_id").isNull()).isTrue();
        assertThat(conflict.path("remote_object").path("email_holder_customer_id").asLong()).isEqualTo(holder);
        assertThat(count("select count(*) from customers where stripe_customer_id = ?", stripeId)).isZero();
        String fresh = email();
        Http.Reply merged = http().post("/admin/conflicts/" + conflict.path("id").asLong() + "/resolve",
                "{\"resolution\":\"manual_merge\",\"merged\":{\"email\":\"" + fresh + "\"}}");
        assertThat(merged.status()).isEqualTo(200);
        long id = imported(stripeId);
        assertThat(local(id)).containsEntry("name", "Newcomer").containsEntry("email", fresh);
        await().atMost(WAIT).until(() -> fresh.equals(inStripe(stripeId).get("email")));
    }

    @Test
    void autoRenameImportsANewStripeCustomerUnderAVariant() throws Exception {
        policy.configure("auto_rename", true);
        String taken = email();
        long holder = http().createCustomer("Holder", taken);
        // once the holder is in Stripe, the newcomer cannot be linked to it by email: a collision
        await().atMost(WAIT).until(() -> count("select count(*) from sync_state where customer_id = ?", holder) == 1);
        String stripeId = stripeCustomer("Newcomer", taken);
        long id = imported(stripeId);
        assertThat(local(id)).containsEntry("email", taken.replace("@", "+1@"));
        await().atMost(WAIT).until(() -> taken.replace("@", "+1@").equals(inStripe(stripeId).get("email")));
    }

    @Test
    void theAdminApiAnswersEveryCaseInTheEnvelope() throws Exception {
        String taken = email();
        String stripeId = emailTakenInStripe(taken);
        long conflictId = conflictFor(stripeId, "email_collision").path("id").asLong();

        JsonNode page = http().get("/admin/conflicts?status=open&type=email_collision&limit=5").json().path("data");
        assertThat(page.path("total").asLong()).isPositive();
        assertThat(page.path("items").size()).isBetween(1, 5);
        page.path("items").forEach(item -> assertThat(item.path("status").asText()).isEqualTo("open"));
        assertThat(http().get("/admin/conflicts?status=nope").status()).isEqualTo(400);
        assertThat(http().get("/admin/conflicts?type=nope").json().path("errors").get(0).path("field").asText()).isEqualTo("type");
        assertThat(http().get("/admin/conflicts?limit=0").status()).isEqualTo(400);
        assertThat(http().get("/admin/conflicts/999999999").status()).isEqualTo(404);
        assertThat(http().get("/admin/conflicts/abc").status()).isEqualTo(400);

        JsonNode stats = http().get("/admin/conflicts/stats").json().path("data");
        assertThat(stats.path("total").asLong()).isPositive();
        assertThat(stats.path("by_status").path("open").asLong()).isPositive();
        assertThat(stats.path("by_type").has("email_collision")).isTrue();
        assertThat(stats.path("by_strategy").has("flag")).isTrue();
        assertThat(stats.path("per_day").get(0).path("count").asLong()).isPositive();
        assertThat(stats.has("auto_resolution_rate")).isTrue();

        String path = "/admin/conflicts/" + conflictId + "/resolve";
        assertThat(http().post(path, "{").status()).isEqualTo(400);
        assertThat(http().post(path, "{}").json().path("errors").get(0).path("field").asText()).isEqualTo("resolution");
        assertThat(http().post(path, "{\"resolution\":\"accept_both\"}").status()).isEqualTo(400);
        assertThat(http().post(path, "{\"resolution\":\"manual_merge\"}").json().path("errors").get(0).path("field").asText()).isEqualTo("merged");
        assertThat(http().post(path, "{\"resolution\":\"manual_merge\",\"merged\":{\"email\":\"not-an-email\"}}").json()
                .path("errors").get(0).path("field").asText()).isEqualTo("merged.email");
        assertThat(http().post(path, "{\"resolution\":\"accept_local\",\"extra\":1}").status()).isEqualTo(400);
        assertThat(http().post("/admin/conflicts/999999999/resolve", "{\"resolution\":\"accept_local\"}").status()).isEqualTo(404);
        assertThat(count("select count(*) from conflicts where id = ? and status = 'open'", conflictId)).as("bad requests change nothing").isEqualTo(1);

        JsonNode bulk = http().post("/admin/conflicts/resolve", "{\"ids\":[" + conflictId + ",999999999," + conflictId + "],\"resolution\":\"accept_local\"}")
                .json().path("data");
        assertThat(bulk.path("resolved").asInt()).isEqualTo(1);
        assertThat(bulk.path("results")).hasSize(2);
        assertThat(bulk.path("results").get(1).path("status").asInt()).isEqualTo(404);
        JsonNode again = http().post("/admin/conflicts/resolve", "{\"ids\":[" + conflictId + "],\"resolution\":\"accept_local\"}").json().path("data");
        assertThat(again.path("results").get(0).path("status").asInt()).isEqualTo(409);
        assertThat(http().post("/admin/conflicts/resolve", "{\"ids\":[],\"resolution\":\"accept_local\"}").status()).isEqualTo(400);
        assertThat(http().post("/admin/conflicts/resolve", "{\"ids\":[\"x\"],\"resolution\":\"accept_local\"}").status()).isEqualTo(400);
        List<String> trail = jdbc.queryForList("select action from conflict_audit where conflict_id = ?", String.class, conflictId);
        assertThat(trail).containsExactly("accept_local");
        String metrics = management().get("/actuator/prometheus").body();
        assertThat(metrics).containsPattern("twoway_conflicts_detected_total\\{[^}]*type=\"email_collision\"[^}]*} [1-9]");
        assertThat(metrics).containsPattern("twoway_conflicts_resolved_total\\{resolution=\"accept_local\"[^}]*} [1-9]");
    }
}
