package io.twoway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.stripe.StripeClient;
import com.stripe.param.CustomerCreateParams;
import io.twoway.testsupport.Http;
import io.twoway.testsupport.LocalInfrastructure;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * The reconciliation admin API, every answer: a run started and refused while another runs, reports and their
 * paged mismatches, single and bulk resolution with its audit trail, and each bad request answered 400, 404 or 409
 * with nothing changed.
 */
class ReconciliationApiTest extends ReconcileIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(60);

    private long startRun(String query) {
        Http.Reply started = http().post("/admin/reconciliation/run" + query, "");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        assertThat(started.json().path("status").asText()).isEqualTo("success");
        assertThat(started.json().path("data").path("status").asText()).isEqualTo("running");
        return started.json().path("data").path("report_id").asLong();
    }

    private JsonNode finished(long reportId) {
        await().atMost(WAIT).until(() -> !"running".equals(http().get("/admin/reconciliation/reports/" + reportId).json().path("data").path("status").asText()));
        return http().get("/admin/reconciliation/reports/" + reportId + "?limit=1000").json().path("data");
    }

    /** A local customer no event ever carried out: a missing_remote mismatch in the next run. */
    private long lostLocalCustomer() {
        return count("insert into customers (name, email, updated_at) values ('Lost', ?, now() - interval '1 hour') returning id",
                "api-" + UUID.randomUUID() + "@example.com");
    }

    private long mismatchOf(JsonNode report, long customerId) {
        for (JsonNode m : report.path("mismatches").path("items")) {
            if (m.path("customer_id").asLong() == customerId) {
                return m.path("id").asLong();
            }
        }
        throw new AssertionError("no mismatch for customer " + customerId + " in " + report);
    }

    @Test
    void aSecondRunWhileOneIsInProgressIsRefusedWithTheRunningId() {
        stripe.delayNext("GET", "/v1/customers", 1, Duration.ofSeconds(3));
        long first = startRun("?dry_run=true");
        Http.Reply second = http().post("/admin/reconciliation/run", "");
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().path("status").asText()).isEqualTo("error");
        assertThat(second.json().path("data").path("running_report_id").asLong()).isEqualTo(first);
        assertThat(second.json().path("message").asText()).contains(String.valueOf(first));
        JsonNode report = finished(first);
        assertThat(report.path("status").asText()).isEqualTo("completed");
        assertThat(report.path("finished_at").isNull()).isFalse();

        JsonNode list = http().get("/admin/reconciliation/reports?limit=5").json().path("data");
        assertThat(list.path("total").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(list.path("items").get(0).path("id").asLong()).as("newest first").isGreaterThanOrEqualTo(first);
        assertThat(list.path("limit").asInt()).isEqualTo(5);
    }

    @Test
    void resolvingOneAndManyMismatchesKeepsAnAuditTrail() {
        long a = lostLocalCustomer();
        long b = lostLocalCustomer();
        long c = lostLocalCustomer();
        JsonNode report = finished(startRun("?auto_resolve=false"));
        long ma = mismatchOf(report, a);
        long mb = mismatchOf(report, b);
        long mc = mismatchOf(report, c);

        Http.Reply wrongAction = http().post("/admin/reconciliation/mismatches/" + ma + "/resolve",
                "{\"resolution_action\":\"update_local\",\"direction\":\"to_remote\"}");
        assertThat(wrongAction.status()).isEqualTo(400);
        assertThat(wrongAction.json().path("errors").get(0).path("field").asText()).isEqualTo("resolution_action");
        assertThat(wrongAction.json().path("errors").get(0).path("message").asText()).contains("create_remote");

        Http.Reply resolved = http().send(HttpRequest.newBuilder(URI.create(http().base() + "/admin/reconciliation/mismatches/" + ma + "/resolve"))
                .header("Content-Type", "application/json").header("X-Actor", "ops@example.com")
                .POST(HttpRequest.BodyPublishers.ofString("{\"resolution_action\":\"create_remote\",\"direction\":\"to_remote\"}")));
        assertThat(resolved.status()).as(resolved.body()).isEqualTo(200);
        assertThat(resolved.json().path("data").path("status").asText()).isEqualTo("resolved");
        assertThat(resolved.json().path("data").path("resolved_by").asText()).isEqualTo("ops@example.com");
        await().atMost(WAIT).until(() -> stripeCustomersOf(a).size() == 1);
        JsonNode detail = http().get("/admin/reconciliation/mismatches/" + ma).json().path("data");
        assertThat(detail.path("audit")).hasSize(1);
        assertThat(detail.path("audit").get(0).path("action").asText()).isEqualTo("create_remote");
        assertThat(detail.path("audit").get(0).path("actor").asText()).isEqualTo("ops@example.com");
        assertThat(http().post("/admin/reconciliation/mismatches/" + ma + "/resolve", "{\"direction\":\"to_remote\"}").status())
                .as("already resolved").isEqualTo(409);

        Http.Reply bulk = http().post("/admin/reconciliation/mismatches/resolve", "{\"ids\":[" + mb + "," + ma + ",999999999],\"direction\":\"to_local\"}");
        assertThat(bulk.status()).isEqualTo(200);
        JsonNode results = bulk.json().path("data").path("results");
        assertThat(bulk.json().path("data").path("resolved").asInt()).isEqualTo(1);
        assertThat(results.get(0).path("status").asInt()).isEqualTo(200);
        assertThat(results.get(1).path("status").asInt()).isEqualTo(409);
        assertThat(results.get(2).path("status").asInt()).isEqualTo(404);
        assertThat(count("select count(*) from customers where id = ? and not is_active", b)).as("to_local: deactivated").isEqualTo(1);
        assertThat(count("select count(*) from outbox_events where aggregate_id = ?", String.valueOf(b))).isZero();

        Http.Reply ignore = http().post("/admin/reconciliation/mismatches/" + mc + "/resolve", "{\"resolution_action\":\"ignore\",\"direction\":\"none\"}");
        assertThat(ignore.status()).isEqualTo(200);
        assertThat(count("select count(*) from customers where id = ? and is_active and stripe_customer_id is null", c)).isEqualTo(1);

        JsonNode resolvedOnly = http().get("/admin/reconciliation/reports/" + report.path("id").asLong() + "?status=resolved&kind=missing_remote&limit=1000")
                .json().path("data").path("mismatches");
        assertThat(resolvedOnly.path("items")).extracting(m -> m.path("id").asLong()).contains(ma, mb, mc);
    }

    @Test
    void aDuplicateIsDeletedInStripeOnlyWhenAnAdminSaysSo() throws Exception {
        long id = http().createCustomer("Twice", "api-" + UUID.randomUUID() + "@example.com");
        await().atMost(WAIT).until(() -> stripeCustomersOf(id).size() == 1);
        String original = (String) stripeCustomersOf(id).get(0).get("id");
        String duplicate = StripeClient.builder().setApiKey(LocalInfrastructure.SANDBOX_API_KEY).setApiBase(stripe.baseUrl()).build()
                .v1().customers().create(CustomerCreateParams.builder().setName("Twice").setEmail("copy-" + UUID.randomUUID() + "@example.com")
                        .putMetadata("twoway_customer_id", String.valueOf(id)).build()).getId();
        Thread.sleep(1500);

        JsonNode report = finished(startRun("?auto_resolve=true"));
        long m = 0;
        for (JsonNode item : report.path("mismatches").path("items")) {
            if (duplicate.equals(item.path("stripe_customer_id").asText())) {
                assertThat(item.path("kind").asText()).isEqualTo("duplicate");
                assertThat(item.path("status").asText()).as("never deleted automatically").isEqualTo("open");
                m = item.path("id").asLong();
            }
        }
        assertThat(m).isPositive();
        assertThat(stripe.customer(duplicate).orElseThrow()).doesNotContainKey("deleted");
        assertThat(http().post("/admin/reconciliation/mismatches/" + m + "/resolve", "{\"direction\":\"to_local\"}").status())
                .as("a duplicate cannot be imported").isEqualTo(400);

        Http.Reply deleted = http().post("/admin/reconciliation/mismatches/" + m + "/resolve", "{\"resolution_action\":\"delete_duplicate\",\"direction\":\"to_remote\"}");
        assertThat(deleted.status()).as(deleted.body()).isEqualTo(200);
        assertThat(stripe.customer(duplicate).orElseThrow()).containsEntry("deleted", true);
        assertThat(stripe.customer(original).orElseThrow()).doesNotContainKey("deleted");
        assertThat(jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, id)).isEqualTo(original);
    }

    @Test
    void badRequestsAreAnsweredClearlyAndChangeNothing() {
        long reports = count("select count(*) from reconciliation_reports");
        assertThat(http().post("/admin/reconciliation/run?dry_run=maybe", "").status()).isEqualTo(400);
        assertThat(http().post("/admin/reconciliation/run?source_of_truth=salesforce", "").json().path("errors").get(0).path("field").asText())
                .isEqualTo("source_of_truth");
        assertThat(count("select count(*) from reconciliation_reports")).isEqualTo(reports);

        assertThat(http().get("/admin/reconciliation/reports/999999999").status()).isEqualTo(404);
        assertThat(http().get("/admin/reconciliation/reports/abc").status()).isEqualTo(400);
        assertThat(http().get("/admin/reconciliation/reports?limit=0").status()).isEqualTo(400);
        assertThat(http().get("/admin/reconciliation/reports/1?kind=bogus").status()).isEqualTo(400);
        assertThat(http().get("/admin/reconciliation/mismatches/999999999").status()).isEqualTo(404);

        String path = "/admin/reconciliation/mismatches/999999999/resolve";
        assertThat(http().post(path, "{\"direction\":\"to_local\"}").status()).isEqualTo(404);
        Http.Reply noDirection = http().post(path, "{\"resolution_action\":\"link\",\"extra\":1}");
        assertThat(noDirection.status()).isEqualTo(400);
        assertThat(noDirection.json().path("errors")).extracting(e -> e.path("field").asText()).contains("direction", "extra");
        assertThat(http().post(path, "{not json").status()).isEqualTo(400);
        assertThat(http().post(path, "[]").status()).isEqualTo(400);
        assertThat(http().post("/admin/reconciliation/mismatches/resolve", "{\"ids\":[],\"direction\":\"none\"}").status()).isEqualTo(400);
        assertThat(http().post("/admin/reconciliation/mismatches/resolve", "{\"ids\":[\"x\"],\"direction\":\"none\"}").status()).isEqualTo(400);

        long lost = lostLocalCustomer();
        long m = mismatchOf(finished(startRun("")), lost);
        Http.Reply notApplicable = http().post("/admin/reconciliation/mismatches/" + m + "/resolve", "{\"direction\":\"sideways\"}");
        assertThat(notApplicable.status()).isEqualTo(400);
        assertThat(http().get("/admin/reconciliation/mismatches/" + m).json().path("data").path("status").asText()).isEqualTo("open");
    }
}
