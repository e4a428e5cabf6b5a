package io.twoway.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.twoway.testsupport.Http;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Reconciliation of Salesforce: what polling missed (its cursor moved past it) is found and repaired. */
class SalesforceReconcileTest extends SalesforceIntegrationTest {

    private Instant skippedUntil = Instant.EPOCH;

    /**
     * Makes the poller skip what happens now, as if its cursors had been moved past it: past the change and the poll's
     * overlap (2 s here).
     */
    private void skipPolling(Runnable change) throws Exception {
        stopRoute("salesforce-poll");
        change.run();
        skippedUntil = Instant.now().plusSeconds(3);
        jdbc.update("update integration_cursors set position = ? where system = 'salesforce'", skippedUntil.toString());
        camel.getRouteController().startRoute("salesforce-poll");
    }

    /** The next test's changes must not fall before a cursor moved into the future. */
    @AfterEach
    void cursorsBackInThePresent() {
        await().atMost(SYNC).until(() -> Instant.now().isAfter(skippedUntil.plusSeconds(1)));
    }

    private long reconcile() {
        Http.Reply reply = http().post("/admin/integrations/salesforce/reconcile", "");
        assertThat(reply.status()).as(reply.body()).isEqualTo(202);
        long report = reply.json().at("/data/report_id").asLong();
        await().atMost(SYNC).until(() -> !"running".equals(jdbc.queryForObject("select status from reconciliation_reports where id = ?", String.class, report)));
        assertThat(jdbc.queryForMap("select system, status from reconciliation_reports where id = ?", report))
                .containsEntry("system", "salesforce").containsEntry("status", "completed");
        return report;
    }

    @Test
    void anEditAndADeleteThatPollingMissedAreRepaired() throws Exception {
        long edited = http().createCustomer("Missed Edit", email());
        long deleted = http().createCustomer("Missed Delete", email());
        String editedContact = awaitContact(edited).id();
        String deletedContact = awaitContact(deleted).id();
        await().atMost(SYNC).until(() -> appliedVersion(edited) == 1 && appliedVersion(deleted) == 1);
        skipPolling(() -> {
            salesforce.editAsAdmin(editedContact, Map.of("LastName", "Caught"));
            salesforce.deleteAsAdmin(deletedContact);
        });
        jdbc.update("update customers set updated_at = now() - interval '1 hour' where id in (?, ?)", edited, deleted);

        long report = reconcile();
        await().atMost(SYNC).until(() -> "Missed Caught".equals(localName(edited)));
        await().atMost(SYNC).until(() -> count("select count(*) from customers where id = ? and not is_active", deleted) == 1);
        assertThat(count("select count(*) from reconciliation_mismatches where report_id = ? and customer_id = ? and action = 'apply_remote'", report, edited))
                .isEqualTo(1);
        assertThat(count("select count(*) from reconciliation_mismatches where report_id = ? and customer_id = ? and action = 'delete_local'", report, deleted))
                .isEqualTo(1);
        assertThat(http().get("/admin/reconciliation/reports/" + report).body()).contains("\"system\":\"salesforce\"");
    }

    @Test
    void aCustomerThatNeverReachedSalesforceIsSent() {
        long id = jdbc.queryForObject("insert into customers (name, email, updated_at) values ('Never Sent', ?, now() - interval '1 hour') returning id",
                Long.class, email());
        long report = reconcile();
        awaitContact(id);
        assertThat(count("select count(*) from reconciliation_mismatches where report_id = ? and customer_id = ? and kind = 'missing_remote'", report, id))
                .isEqualTo(1);
    }

    @Test
    void aSecondRunWhileOneRunsIsRefusedButAStripeRunIsNot() {
        long running = jdbc.queryForObject("""
                insert into reconciliation_reports (system, status, trigger, auto_resolve, dry_run, source_of_truth)
                values ('salesforce', 'running', 'manual', true, false, 'newest') returning id
                """, Long.class);
        try {
            Http.Reply second = http().post("/admin/integrations/salesforce/reconcile", "");
            assertThat(second.status()).isEqualTo(409);
            assertThat(second.json().at("/data/running_report_id").asLong()).isEqualTo(running);
            Http.Reply stripeRun = http().post("/admin/reconciliation/run?dry_run=true", "");
            assertThat(stripeRun.status()).as("one run per integration").isEqualTo(202);
        } finally {
            jdbc.update("update reconciliation_reports set status = 'abandoned', finished_at = now() where id = ?", running);
        }
        await().atMost(SYNC).until(() -> count("select count(*) from reconciliation_reports where status = 'running'") == 0);
    }
}
