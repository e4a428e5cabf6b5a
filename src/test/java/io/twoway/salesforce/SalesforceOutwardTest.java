package io.twoway.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.twoway.salesforcesandbox.Fault;
import io.twoway.salesforcesandbox.RecordedRequest;
import io.twoway.testsupport.TopicReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Value;

/** Outward sync to Salesforce: REST → outbox → Kafka → staged → sObject Collections, with every failure path. */
class SalesforceOutwardTest extends SalesforceIntegrationTest {

    @Value("${twoway.salesforce.dlq-topic}")
    private String dlqTopic;

    @Test
    void createUpdateDeleteReachSalesforce() {
        String email = email();
        long id = http().createCustomer("Ada King Lovelace", email);
        Map<String, Object> contact = awaitContact(id).fields();
        assertThat(contact).containsEntry("FirstName", "Ada King").containsEntry("LastName", "Lovelace").containsEntry("Email", email);
        String contactId = (String) contact.get("Id");
        await().atMost(SYNC).until(() -> contactId.equals(agreedContactId(id)));

        http().put("/customers/" + id, "{\"name\":\"Ada Lovelace\"}");
        await().atMost(SYNC).until(() -> "Ada".equals(salesforce.contact(contactId).orElseThrow().get("FirstName")));
        assertThat(salesforce.contact(contactId).orElseThrow().get("LastName")).isEqualTo("Lovelace");

        http().delete("/customers/" + id);
        await().atMost(SYNC).until(() -> salesforce.contact(contactId).orElseThrow().isDeleted());
        assertThat(count("select count(*) from sync_state where customer_id = ? and system = 'salesforce' and deleted", id)).isEqualTo(1);
        List<RecordedRequest> writes = writesFor(contactId, id);
        assertThat(writes).as("one write per change, each naming the client").hasSize(3)
                .allSatisfy(w -> assertThat(w.callOptions()).isEqualTo("client=twoway"));
    }

    @Test
    void aOneWordNameIsTheLastNameAndComesBackTheSame() {
        long id = http().createCustomer("Plato", email());
        Map<String, Object> contact = awaitContact(id).fields();
        assertThat(contact.get("FirstName")).isNull();
        assertThat(contact).containsEntry("LastName", "Plato");
        assertThat(ContactMapper.join((String) contact.get("FirstName"), (String) contact.get("LastName"))).isEqualTo("Plato");
    }

    @Test
    void anExpiredSessionIsRenewedOnceAndTheCallRepeated() {
        long before = count("select count(*) from dead_letters where consumer = 'salesforce-customer-sync'");
        faults(1, Fault.EXPIRED_SESSION);
        long id = http().createCustomer("Session Renewed", email());
        awaitContact(id);
        assertThat(count("select count(*) from dead_letters where consumer = 'salesforce-customer-sync'")).isEqualTo(before);
        assertThat(salesforce.requests().stream().filter(r -> r.path().endsWith("/services/oauth2/token")).count())
                .as("a new token was fetched").isGreaterThanOrEqualTo(1);
    }

    @Test
    void aLockedRowIsRetriedWithBackoff() {
        faults(1, Fault.LOCK);
        long id = http().createCustomer("Locked Once", email());
        awaitContact(id);
        assertThat(salesforce.requests().stream().filter(r -> r.status() == 200 && r.body() != null && r.body().contains("\"" + id + "\"")
                && "PATCH".equals(r.method())).count()).isGreaterThanOrEqualTo(1);
        assertThat(count("select count(*) from dead_letters where consumer = 'salesforce-customer-sync' and customer_id = ?", id)).isZero();
        assertThat(count("select count(*) from processed_events where consumer = 'salesforce-customer-sync' and customer_id = ? and outcome like 'applied%'", id))
                .isEqualTo(1);
    }

    @Test
    void aServerErrorIsRetriedNotDeadLettered() {
        faults(2, Fault.SERVER_ERROR);
        long id = http().createCustomer("Server Error Twice", email());
        awaitContact(id);
        assertThat(count("select count(*) from dead_letters where consumer = 'salesforce-customer-sync' and customer_id = ?", id)).isZero();
    }

    @Test
    void aValidationErrorDeadLettersThatRecordAloneInsideABatch() throws Exception {
        salesforce.addValidationRule("LastName", "Rejected", "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Last name may not be Rejected");
        stopRoute("salesforce-outbound-send");
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            ids.add(http().createCustomer(i == 2 ? "Bad Rejected" : "Good Batch" + i, email()));
        }
        await().atMost(SYNC).until(() -> ids.stream().allMatch(id -> count("select count(*) from integration_outbound where system = 'salesforce' and customer_id = ?", id) == 1));
        salesforce.clearRequests();
        camel.getRouteController().startRoute("salesforce-outbound-send");
        long rejected = ids.get(2);
        await().atMost(SYNC).until(() -> count("select count(*) from dead_letters where consumer = 'salesforce-customer-sync' and customer_id = ?", rejected) == 1);
        for (long id : ids) {
            if (id != rejected) {
                awaitContact(id);
            }
        }
        assertThat(contactOf(rejected)).isEmpty();
        assertThat(salesforce.writeRequests()).as("one collections call carried all five").hasSize(1);
        assertThat(jdbc.queryForObject("select error_code from dead_letters where consumer = 'salesforce-customer-sync' and customer_id = ?", String.class, rejected))
                .isEqualTo("FIELD_CUSTOM_VALIDATION_EXCEPTION");
        TopicReader.Record record = TopicReader.readAll(INFRA.kafka.getBrokersAsString(), dlqTopic).stream()
                .filter(r -> String.valueOf(rejected).equals(r.key())).findFirst().orElseThrow();
        assertThat(record.headers()).containsEntry("twoway_error_code", "FIELD_CUSTOM_VALIDATION_EXCEPTION");
        assertThat(record.value()).as("the original message").contains("Bad Rejected");
        assertThat(count("select count(*) from integration_outbound where system = 'salesforce' and customer_id = ?", rejected)).isZero();
    }

    @Test
    void aSpentBudgetStopsSendingAndLosesNothingThenResumes() {
        // the org's limit reached: the next call (the poller's, or the sender's) is refused and the budget stops
        salesforce.setUsage(100_000);
        await().atMost(SYNC).until(() -> "stopped".equals(salesforceStatus().at("/api_budget/state").asText()));
        long id = http().createCustomer("Waits For Budget", email());
        await().atMost(SYNC).until(() -> count("select count(*) from integration_outbound where system = 'salesforce' and customer_id = ?", id) == 1);
        JsonNode status = salesforceStatus();
        assertThat(status.at("/api_budget/state").asText()).isEqualTo("stopped");
        assertThat(status.at("/outbound/staged").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(contactOf(id)).isEmpty();
        assertThat(count("select count(*) from dead_letters where consumer = 'salesforce-customer-sync' and customer_id = ?", id)).isZero();
        assertThat(count("select attempts from integration_outbound where system = 'salesforce' and customer_id = ?", id))
                .as("waiting for the budget is no failed attempt").isZero();

        salesforce.setUsage(10);
        awaitContact(id);
        await().atMost(SYNC).until(() -> "open".equals(salesforceStatus().at("/api_budget/state").asText()));
    }

    @Test
    void aRefusalOverTheOrgLimitWaitsLikeASpentBudget() {
        faults(1, Fault.LIMIT_EXCEEDED);
        long id = http().createCustomer("Limit Exceeded Once", email());
        awaitContact(id);
        assertThat(count("select count(*) from dead_letters where consumer = 'salesforce-customer-sync' and customer_id = ?", id)).isZero();
    }

    private JsonNode salesforceStatus() {
        for (JsonNode integration : http().get("/admin/integrations/status").json().path("data")) {
            if ("salesforce".equals(integration.path("name").asText())) {
                return integration;
            }
        }
        throw new AssertionError("no salesforce integration in the status");
    }

    /** Write requests that touched this Contact or customer. */
    private List<RecordedRequest> writesFor(String contactId, long customerId) {
        return salesforce.writeRequests().stream()
                .filter(r -> r.path().contains(contactId) || (r.query() != null && r.query().values().stream().anyMatch(v -> v.contains(contactId)))
                        || (r.body() != null && (r.body().contains(contactId) || r.body().contains("\"" + customerId + "\""))))
                .toList();
    }
}
