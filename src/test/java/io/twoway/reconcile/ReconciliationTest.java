package io.twoway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerUpdateParams;
import io.twoway.testsupport.Http;
import io.twoway.testsupport.LocalInfrastructure;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Reconciliation end to end against the sandbox: drift planted on either side (a Stripe change whose webhook was
 * lost or held, a local change whose event never left) is reported with its kind and field, a dry run changes
 * nothing, and auto-resolve brings both sides into agreement under each source of truth with one Stripe write per
 * repair towards Stripe and none towards local.
 */
class ReconciliationTest extends ReconcileIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    @AfterEach
    void deliverAgain() {
        stripe.resumeWebhooks();
        stripe.clearWebhookFaults();
    }

    // ---- planting drift

    private StripeClient api() {
        return StripeClient.builder().setApiKey(LocalInfrastructure.SANDBOX_API_KEY).setApiBase(stripe.baseUrl()).setMaxNetworkRetries(0).build();
    }

    private static String email() {
        return "rc-" + UUID.randomUUID() + "@example.com";
    }

    /** A customer created through the API, in Stripe, and agreed on both sides (its echo applied); returns its id. */
    private long synced(String name) {
        long id = http().createCustomer(name, email());
        await().atMost(WAIT).until(() -> count("""
                select count(*) from customers c join sync_state s on s.customer_id = c.id and s.system = 'stripe'
                where c.id = ? and c.stripe_customer_id is not null and s.applied_version >= c.version
                  and exists(select 1 from webhook_events w where w.object_id = c.stripe_customer_id and w.status = 'echo')
                """, id) == 1);
        return id;
    }

    private String stripeId(long id) {
        return jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, id);
    }

    /** Renames the customer in Stripe and loses the webhook on the way. */
    private void renameInStripeWebhookLost(String stripeId, String name) throws Exception {
        long droppedBefore = dropped();
        stripe.dropNextWebhooks(1);
        api().v1().customers().update(stripeId, CustomerUpdateParams.builder().setName(name).build());
        await().atMost(WAIT).until(() -> dropped() > droppedBefore);
    }

    private long dropped() {
        return stripe.webhookDeliveries().stream().filter(d -> d.dropped()).count();
    }

    /** Renames the customer locally as if its outbox event were lost: a new version that Stripe never heard of. */
    private void renameLocallyEventLost(long id, String name) {
        jdbc.update("update customers set name = ?, version = version + 1, updated_at = now() - interval '1 hour' where id = ?", name, id);
    }

    /** A local customer linked to a Stripe id that Stripe never knew (a restored backup, a test-mode id in live). */
    private long brokenLink(String name) {
        return count("insert into customers (name, email, stripe_customer_id, updated_at) values (?, ?, ?, now() - interval '1 hour') returning id",
                name, email(), "cus_Unknown" + UUID.randomUUID().toString().substring(0, 8));
    }

    private Map<String, Object> local(long id) {
        return jdbc.queryForMap("select name, email, is_active, stripe_customer_id, version from customers where id = ?", id);
    }

    private Map<String, Object> inStripe(String stripeId) {
        return stripe.customer(stripeId).orElseThrow();
    }

    private long writesTo(String stripeId, Instant since) {
        return stripe.requests().stream().filter(r -> !r.at().isBefore(since) && !r.method().equals("GET")
                && r.path().equals("/v1/customers/" + stripeId)).count();
    }

    private long outboxEvents(long id) {
        return count("select count(*) from outbox_events where aggregate_id = ?", String.valueOf(id));
    }

    /** Two agreed customers: the first renamed in Stripe (its webhook lost), the second renamed locally (its event lost). */
    private record Drift(long remoteChanged, long localChanged) {}

    private Drift renamedOnEachSide(String prefix) throws Exception {
        Drift drift = new Drift(synced(prefix + " A"), synced(prefix + " B"));
        renameInStripeWebhookLost(stripeId(drift.remoteChanged()), prefix + " A (Stripe)");
        renameLocallyEventLost(drift.localChanged(), prefix + " B (local)");
        return drift;
    }

    // ---- running

    /** Starts a run with the given query, waits for it to end and returns its report. */
    private JsonNode run(String query) {
        Http.Reply started = http().post("/admin/reconciliation/run" + query, "");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        long reportId = started.json().path("data").path("report_id").asLong();
        assertThat(started.headers().firstValue("Location")).hasValue("/admin/reconciliation/reports/" + reportId);
        await().atMost(WAIT).until(() -> !"running".equals(report(reportId).path("status").asText()));
        JsonNode report = report(reportId);
        assertThat(report.path("status").asText()).as(report.toString()).isEqualTo("completed");
        return report;
    }

    private JsonNode report(long reportId) {
        Http.Reply reply = http().get("/admin/reconciliation/reports/" + reportId + "?limit=1000");
        assertThat(reply.status()).isEqualTo(200);
        return reply.json().path("data");
    }

    /** The mismatches a report holds for one local customer (or one Stripe customer). */
    private List<JsonNode> mismatchesOf(JsonNode report, Long customerId, String stripeId) {
        List<JsonNode> found = new ArrayList<>();
        for (JsonNode m : report.path("mismatches").path("items")) {
            boolean ours = customerId != null ? m.path("customer_id").asLong() == customerId : stripeId.equals(m.path("stripe_customer_id").asText());
            if (ours) {
                found.add(m);
            }
        }
        return found;
    }

    private JsonNode onlyMismatch(JsonNode report, Long customerId, String stripeId) {
        List<JsonNode> found = mismatchesOf(report, customerId, stripeId);
        assertThat(found).as("mismatches of " + (customerId != null ? customerId : stripeId)).hasSize(1);
        return found.get(0);
    }

    // ---- tests

    @Test
    void reportsEachKindOfDriftWithItsFieldAndADryRunChangesNothing() throws Exception {
        long renamed = synced("Before Rename");
        long deletedRemotely = synced("Deleted In Stripe");
        long broken = brokenLink("Broken Link");
        long duplicated = synced("Duplicated");
        long localOnly = count("insert into customers (name, email, updated_at) values ('Only Local', ?, now() - interval '1 hour') returning id", email());

        stripe.pauseWebhooks();
        api().v1().customers().update(stripeId(renamed), CustomerUpdateParams.builder().setName("Renamed In Stripe").build());
        api().v1().customers().delete(stripeId(deletedRemotely));
        String remoteOnly = api().v1().customers().create(CustomerCreateParams.builder().setName("Only Stripe").setEmail(email()).build()).getId();
        String duplicate = api().v1().customers().create(CustomerCreateParams.builder().setName("Duplicated").setEmail(email())
                .putMetadata("twoway_customer_id", String.valueOf(duplicated)).build()).getId();
        Thread.sleep(1500); // past the grace period, so the Stripe-only customer is not taken for one whose webhook is on its way

        JsonNode report = run("?auto_resolve=false");
        JsonNode name = onlyMismatch(report, renamed, null);
        assertThat(name.path("kind").asText()).isEqualTo("field_mismatch");
        assertThat(name.path("field").asText()).isEqualTo("name");
        assertThat(name.path("local_value").asText()).isEqualTo("Before Rename");
        assertThat(name.path("remote_value").asText()).isEqualTo("Renamed In Stripe");
        assertThat(name.path("direction").asText()).as("only Stripe changed since they agreed").isEqualTo("to_local");
        assertThat(name.path("status").asText()).isEqualTo("open");

        JsonNode deleted = onlyMismatch(report, deletedRemotely, null);
        assertThat(deleted.path("kind").asText()).isEqualTo("field_mismatch");
        assertThat(deleted.path("field").asText()).isEqualTo("active");
        assertThat(deleted.path("local_value").asText()).isEqualTo("true");
        assertThat(deleted.path("remote_value").asText()).isEqualTo("false");
        assertThat(deleted.path("action").asText()).isEqualTo("deactivate_local");

        assertThat(onlyMismatch(report, broken, null).path("kind").asText()).isEqualTo("broken_link");
        JsonNode missingRemote = onlyMismatch(report, localOnly, null);
        assertThat(missingRemote.path("kind").asText()).isEqualTo("missing_remote");
        assertThat(missingRemote.path("action").asText()).isEqualTo("create_remote");
        JsonNode missingLocal = onlyMismatch(report, null, remoteOnly);
        assertThat(missingLocal.path("kind").asText()).isEqualTo("missing_local");
        assertThat(missingLocal.path("action").asText()).isEqualTo("import_local");
        JsonNode dup = onlyMismatch(report, null, duplicate);
        assertThat(dup.path("kind").asText()).isEqualTo("duplicate");
        assertThat(dup.path("customer_id").asLong()).isEqualTo(duplicated);
        assertThat(dup.path("local_value").asText()).isEqualTo(stripeId(duplicated));
        assertThat(report.path("counts").path("by_kind").path("duplicate").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(report.path("counts").path("by_status").path("open").asLong()).isGreaterThanOrEqualTo(6);
        assertThat(report.path("progress").path("local_compared").asLong()).isGreaterThanOrEqualTo(5);
        assertThat(report.path("progress").path("phase").asText()).isEqualTo("done");
        assertThat(report.path("progress").path("percent").asDouble()).isEqualTo(100.0);
        assertThat(report.path("trigger").asText()).isEqualTo("manual");
        assertThat(report.path("requested_by").asText()).isEqualTo("admin");

        // the kind filter pages through one kind only
        JsonNode brokenOnly = http().get("/admin/reconciliation/reports/" + report.path("id").asLong() + "?kind=broken_link").json().path("data");
        assertThat(brokenOnly.path("mismatches").path("items")).allMatch(m -> m.path("kind").asText().equals("broken_link"));

        // a dry run with auto-resolve proposes the same repairs and changes nothing on either side
        List<Map<String, Object>> localBefore = List.of(local(renamed), local(deletedRemotely), local(broken), local(localOnly));
        int customersBefore = stripe.customerCount();
        long outboxBefore = count("select count(*) from outbox_events");
        Instant dryStart = Instant.now();
        JsonNode dry = run("?auto_resolve=true&dry_run=true");
        assertThat(dry.path("dry_run").asBoolean()).isTrue();
        assertThat(onlyMismatch(dry, renamed, null).path("status").asText()).isEqualTo("open");
        assertThat(onlyMismatch(dry, renamed, null).path("action").asText()).isEqualTo("update_local");
        assertThat(List.of(local(renamed), local(deletedRemotely), local(broken), local(localOnly))).isEqualTo(localBefore);
        assertThat(stripe.customerCount()).isEqualTo(customersBefore);
        assertThat(count("select count(*) from outbox_events")).isEqualTo(outboxBefore);
        assertThat(stripe.requests().stream().filter(r -> !r.at().isBefore(dryStart) && !r.method().equals("GET")))
                .as("a dry run writes nothing to Stripe").isEmpty();
    }

    @Test
    void autoResolveUnderNewestTakesTheSideThatChanged() throws Exception {
        Drift drift = renamedOnEachSide("Newest");
        long remoteChanged = drift.remoteChanged();
        long localChanged = drift.localChanged();
        long outboxA = outboxEvents(remoteChanged);
        Instant start = Instant.now();

        JsonNode report = run("?auto_resolve=true&source_of_truth=newest");
        assertThat(onlyMismatch(report, remoteChanged, null).path("action").asText()).isEqualTo("update_local");
        assertThat(onlyMismatch(report, remoteChanged, null).path("status").asText()).isEqualTo("resolved");
        assertThat(onlyMismatch(report, localChanged, null).path("action").asText()).isEqualTo("update_remote");
        assertThat(local(remoteChanged)).containsEntry("name", "Newest A (Stripe)");
        assertThat(outboxEvents(remoteChanged)).as("a repair towards local emits no outbox event").isEqualTo(outboxA);
        await().atMost(WAIT).until(() -> "Newest B (local)".equals(inStripe(stripeId(localChanged)).get("name")));
        awaitEchoSettled(localChanged);
        assertThat(writesTo(stripeId(remoteChanged), start)).isZero();
        assertThat(writesTo(stripeId(localChanged), start)).as("one write per repair, no echo loop").isEqualTo(1);
        assertThat(local(localChanged)).containsEntry("name", "Newest B (local)");
    }

    @Test
    void autoResolveUnderLocalPushesTheCatalogToStripe() throws Exception {
        Drift drift = renamedOnEachSide("Local");
        long remoteChanged = drift.remoteChanged();
        long localChanged = drift.localChanged();
        Instant start = Instant.now();

        JsonNode report = run("?auto_resolve=true&source_of_truth=local");
        assertThat(report.path("source_of_truth").asText()).isEqualTo("local");
        assertThat(onlyMismatch(report, remoteChanged, null).path("direction").asText()).isEqualTo("to_remote");
        await().atMost(WAIT).until(() -> "Local A".equals(inStripe(stripeId(remoteChanged)).get("name")));
        await().atMost(WAIT).until(() -> "Local B (local)".equals(inStripe(stripeId(localChanged)).get("name")));
        awaitEchoSettled(remoteChanged);
        awaitEchoSettled(localChanged);
        assertThat(local(remoteChanged)).containsEntry("name", "Local A");
        assertThat(writesTo(stripeId(remoteChanged), start)).isEqualTo(1);
        assertThat(writesTo(stripeId(localChanged), start)).isEqualTo(1);
    }

    @Test
    void autoResolveUnderStripeTakesStripesValues() throws Exception {
        Drift drift = renamedOnEachSide("Stripe");
        long remoteChanged = drift.remoteChanged();
        long localChanged = drift.localChanged();
        long outboxB = outboxEvents(localChanged);
        Instant start = Instant.now();

        JsonNode report = run("?auto_resolve=true&source_of_truth=stripe");
        assertThat(onlyMismatch(report, localChanged, null).path("direction").asText()).isEqualTo("to_local");
        assertThat(local(remoteChanged)).containsEntry("name", "Stripe A (Stripe)");
        assertThat(local(localChanged)).containsEntry("name", "Stripe B");
        assertThat(outboxEvents(localChanged)).isEqualTo(outboxB);
        assertThat(writesTo(stripeId(remoteChanged), start)).isZero();
        assertThat(writesTo(stripeId(localChanged), start)).isZero();
        JsonNode again = run("?auto_resolve=false");
        assertThat(mismatchesOf(again, remoteChanged, null)).as("both sides agree now").isEmpty();
        assertThat(mismatchesOf(again, localChanged, null)).isEmpty();
    }

    @Test
    void autoResolveRepairsDeletedMissingAndBrokenCustomers() throws Exception {
        long deletedRemotely = synced("Gone In Stripe");
        long broken = brokenLink("Broken");
        String unknown = stripeId(broken);
        long relinked = synced("Relinked");
        String original = stripeId(relinked);
        jdbc.update("update customers set stripe_customer_id = 'cus_DeadLink' || id where id = ?", relinked);
        long localOnly = count("insert into customers (name, email, updated_at) values ('Never Sent', ?, now() - interval '1 hour') returning id", email());
        long outboxDeleted = outboxEvents(deletedRemotely);
        stripe.dropNextWebhooks(2);
        api().v1().customers().delete(stripeId(deletedRemotely));
        String remoteEmail = email();
        String remoteOnly = api().v1().customers().create(CustomerCreateParams.builder().setName("Stripe Only").setEmail(remoteEmail).build()).getId();
        Thread.sleep(1500);

        JsonNode report = run("?auto_resolve=true");
        assertThat(onlyMismatch(report, deletedRemotely, null).path("status").asText()).isEqualTo("resolved");
        assertThat(local(deletedRemotely)).containsEntry("is_active", false);
        assertThat(outboxEvents(deletedRemotely)).as("the delete is taken locally, not sent back").isEqualTo(outboxDeleted);

        assertThat(onlyMismatch(report, null, remoteOnly).path("action").asText()).isEqualTo("import_local");
        Map<String, Object> imported = jdbc.queryForMap("select id, name, email, is_active from customers where stripe_customer_id = ?", remoteOnly);
        assertThat(imported).containsEntry("name", "Stripe Only").containsEntry("email", remoteEmail).containsEntry("is_active", true);
        assertThat(outboxEvents(((Number) imported.get("id")).longValue())).isZero();

        assertThat(onlyMismatch(report, localOnly, null).path("action").asText()).isEqualTo("create_remote");
        await().atMost(WAIT).until(() -> stripeId(localOnly) != null);
        assertThat(stripeCustomersOf(localOnly)).hasSize(1);

        assertThat(onlyMismatch(report, broken, null).path("action").asText()).isEqualTo("recreate_remote");
        await().atMost(WAIT).until(() -> stripeId(broken) != null && !unknown.equals(stripeId(broken)));
        assertThat(stripeCustomersOf(broken)).hasSize(1);
        assertThat(inStripe(stripeId(broken))).containsEntry("name", "Broken");

        JsonNode relink = onlyMismatch(report, relinked, null);
        assertThat(relink.path("kind").asText()).as("the live Stripe customer carrying its id").isEqualTo("unlinked");
        assertThat(relink.path("local_value").asText()).isEqualTo("cus_DeadLink" + relinked);
        assertThat(stripeId(relinked)).isEqualTo(original);
        assertThat(stripeCustomersOf(relinked)).hasSize(1);
    }

    @Test
    void aChangeOnBothSidesBecomesAConflictUnderTheStrategy() throws Exception {
        long id = synced("Both Base");
        renameInStripeWebhookLost(stripeId(id), "Both Stripe");
        renameLocallyEventLost(id, "Both Local");

        JsonNode report = run("?auto_resolve=true");
        JsonNode m = onlyMismatch(report, id, null);
        assertThat(m.path("action").asText()).isEqualTo("resolve_conflict");
        assertThat(m.path("status").asText()).as("flag leaves it open for an admin").isEqualTo("conflict");
        JsonNode conflict = http().get("/admin/conflicts/" + m.path("conflict_id").asLong()).json().path("data");
        assertThat(conflict.path("type").asText()).isEqualTo("concurrent_edit");
        assertThat(conflict.path("status").asText()).isEqualTo("open");
        assertThat(conflict.path("fields").path("name").path("local").asText()).isEqualTo("Both Local");
        assertThat(conflict.path("fields").path("name").path("remote").asText()).isEqualTo("Both Stripe");
        assertThat(conflict.path("fields").path("name").path("base").asText()).isEqualTo("Both Base");
        assertThat(local(id)).containsEntry("name", "Both Local");
        assertThat(inStripe(stripeId(id))).containsEntry("name", "Both Stripe");
        Http.Reply again = http().post("/admin/reconciliation/mismatches/" + m.path("id").asLong() + "/resolve", "{\"direction\":\"to_local\"}");
        assertThat(again.status()).isEqualTo(409);
        assertThat(again.json().path("message").asText()).contains("/admin/conflicts/" + m.path("conflict_id").asLong());
    }

    /** The push's echo came back and was recognised, so any loop would have shown by now. */
    private void awaitEchoSettled(long id) {
        await().atMost(WAIT).until(() -> count("""
                select count(*) from outbox_events o where o.aggregate_id = ? and o.payload->>'origin' = 'reconcile'
                  and exists(select 1 from processed_events p where p.event_id = o.id::text)
                """, String.valueOf(id)) >= 1);
        await().atMost(WAIT).until(() -> count("select count(*) from webhook_events where object_id = ? and status = 'pending'", stripeId(id)) == 0);
    }
}
