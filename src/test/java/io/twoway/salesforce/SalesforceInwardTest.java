package io.twoway.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Inward sync from Salesforce by polling: Contacts made, edited and deleted there, echoes, conflicts, restarts, gaps. */
class SalesforceInwardTest extends SalesforceIntegrationTest {

    @Test
    void aContactMadeEditedAndDeletedInSalesforceReachesTheCatalog() {
        String email = email();
        String contactId = salesforce.createAsAdmin(Map.of("FirstName", "Katherine", "LastName", "Johnson", "Email", email));
        long id = awaitLocalOf(contactId);
        assertThat(jdbc.queryForMap("select name, email, origin, is_active from customers where id = ?", id))
                .containsEntry("name", "Katherine Johnson").containsEntry("email", email).containsEntry("origin", "salesforce")
                .containsEntry("is_active", true);

        salesforce.editAsAdmin(contactId, Map.of("LastName", "Goble"));
        await().atMost(SYNC).until(() -> "Katherine Goble".equals(localName(id)));

        salesforce.deleteAsAdmin(contactId);
        await().atMost(SYNC).until(() -> count("select count(*) from customers where id = ? and not is_active", id) == 1);
        assertThat(jdbc.queryForObject("select origin from customers where id = ?", String.class, id)).isEqualTo("salesforce");
    }

    @Test
    void twowaysOwnWriteComesBackAsAnEchoAndChangesNothing() {
        long id = http().createCustomer("Echo Only", email());
        String contactId = awaitContact(id).id();
        await().atMost(SYNC).until(() -> count("select count(*) from webhook_events where source = 'salesforce' and object_id = ? and status = 'echo'",
                contactId) >= 1);
        assertThat(count("select version from customers where id = ?", id)).as("no local write").isEqualTo(1);
        assertThat(count("select count(*) from webhook_events where source = 'salesforce' and object_id = ? and status <> 'echo'", contactId)).isZero();
        assertThat(count("select count(*) from sync_state where customer_id = ? and system = 'salesforce' and remote_created is not null", id))
                .as("the echo confirmed the agreed state").isEqualTo(1);
    }

    @Test
    void aLocalAndASalesforceEditOfTheSameFieldAreAConflict() throws Exception {
        long id = http().createCustomer("Conflict Base", email());
        String contactId = awaitContact(id).id();
        await().atMost(SYNC).until(() -> appliedVersion(id) == 1);
        stopRoute("salesforce-outbound-send");
        http().put("/customers/" + id, "{\"name\":\"Local Edit\"}");
        await().atMost(SYNC).until(() -> count("select count(*) from integration_outbound where system = 'salesforce' and customer_id = ?", id) == 1);
        salesforce.editAsAdmin(contactId, Map.of("FirstName", "Remote", "LastName", "Edit"));
        await().atMost(SYNC).until(() -> count("select count(*) from conflicts where customer_id = ? and system = 'salesforce'", id) == 1);
        Map<String, Object> conflict = jdbc.queryForMap("select type, external_id, fields::text as fields, status from conflicts where customer_id = ?", id);
        assertThat(conflict).containsEntry("type", "concurrent_edit").containsEntry("external_id", contactId);
        assertThat((String) conflict.get("fields")).contains("Local Edit").contains("Remote Edit").contains("Conflict Base");
        assertThat(http().get("/admin/conflicts?status=" + conflict.get("status")).body()).contains("\"system\":\"salesforce\"");

        // the open conflict (strategy flag) holds the name back: the staged change goes out without it
        camel.getRouteController().startRoute("salesforce-outbound-send");
        await().atMost(SYNC).until(() -> count("select count(*) from integration_outbound where system = 'salesforce' and customer_id = ?", id) == 0);
        assertThat(salesforce.contact(contactId).orElseThrow().get("FirstName")).isEqualTo("Remote");
        assertThat(localName(id)).isEqualTo("Local Edit");
    }

    @Test
    void aLocalChangeLeavesAFieldEditedInSalesforceMeanwhileAlone() throws Exception {
        long id = http().createCustomer("Field Apart", email());
        String contactId = awaitContact(id).id();
        await().atMost(SYNC).until(() -> appliedVersion(id) == 1);
        stopRoute("salesforce-poll");
        String theirs = email();
        salesforce.editAsAdmin(contactId, Map.of("Email", theirs));
        http().put("/customers/" + id, "{\"name\":\"Field Renamed\"}");
        await().atMost(SYNC).until(() -> "Renamed".equals(salesforce.contact(contactId).orElseThrow().get("LastName")));
        assertThat(salesforce.contact(contactId).orElseThrow().get("Email")).as("the local change sent its name only").isEqualTo(theirs);
        camel.getRouteController().startRoute("salesforce-poll");
        await().atMost(SYNC).until(() -> theirs.equals(jdbc.queryForObject("select email from customers where id = ?", String.class, id)));
        assertThat(localName(id)).isEqualTo("Field Renamed");
    }

    @Test
    void aStoppedPollerResumesFromItsStoredCursor() throws Exception {
        String before = salesforce.createAsAdmin(Map.of("LastName", "Before Stop", "Email", email()));
        awaitLocalOf(before);
        stopRoute("salesforce-poll");
        String cursor = jdbc.queryForObject("select position from integration_cursors where system = 'salesforce' and name = 'modstamp'", String.class);
        String during = salesforce.createAsAdmin(Map.of("LastName", "While Stopped", "Email", email()));
        salesforce.editAsAdmin(during, Map.of("FirstName", "Edited"));
        camel.getRouteController().startRoute("salesforce-poll");
        long id = awaitLocalOf(during);
        await().atMost(SYNC).until(() -> "Edited While Stopped".equals(localName(id)));
        assertThat(Instant.parse(jdbc.queryForObject("select position from integration_cursors where system = 'salesforce' and name = 'modstamp'",
                String.class))).isAfter(Instant.parse(cursor));
        assertThat(count("select count(*) from webhook_events where source = 'salesforce' and object_id = ?", before))
                .as("what was read before the stop is not read again").isEqualTo(1);
    }

    @Test
    void deletesOlderThanSalesforceKeepsStartAReconciliation() {
        long reports = count("select count(*) from reconciliation_reports where system = 'salesforce' and trigger = 'gap'");
        salesforce.setEarliestDateAvailable(Instant.now().plus(Duration.ofDays(1)));
        try {
            await().atMost(SYNC).until(() -> count("select count(*) from reconciliation_reports where system = 'salesforce' and trigger = 'gap'") > reports);
        } finally {
            salesforce.setEarliestDateAvailable(Instant.now().minus(Duration.ofDays(15)));
        }
        await().atMost(SYNC).until(() -> count("select count(*) from reconciliation_reports where system = 'salesforce' and status = 'running'") == 0);
    }
}
