package io.twoway.salesforce;

import static org.awaitility.Awaitility.await;

import io.twoway.salesforcesandbox.Contact;
import io.twoway.salesforcesandbox.Fault;
import io.twoway.salesforcesandbox.SalesforceSandbox;
import io.twoway.testsupport.IntegrationTest;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;

/**
 * Tests of the Salesforce integration: the whole service with it enabled against the Salesforce sandbox (and the
 * Stripe one), polled every second, sending every 100 ms. The classes that extend it share one application.
 */
@TestPropertySource(properties = {
        "twoway.salesforce.enabled=true",
        // checked before the infrastructure's properties arrive, like the Stripe key
        "twoway.salesforce.client-id=" + SalesforceSandbox.CLIENT_ID,
        "twoway.salesforce.client-secret=" + SalesforceSandbox.CLIENT_SECRET,
        "twoway.salesforce.poll-interval-seconds=1",
        "twoway.salesforce.poll-overlap-seconds=2",
        "twoway.salesforce.send-interval-ms=100",
        "twoway.salesforce.budget-check-seconds=1",
        "twoway.salesforce.daily-api-budget=1000000"
})
abstract class SalesforceIntegrationTest extends IntegrationTest {

    protected static final Duration SYNC = Duration.ofSeconds(30);
    protected final SalesforceSandbox salesforce = INFRA.salesforce;

    @Autowired
    protected CamelContext camel;

    @BeforeEach
    void resetSalesforce() throws Exception {
        salesforce.clearFaults();
        salesforce.setDailyLimit(100_000);
        salesforce.setUsage(0);
        for (String route : new String[] {"salesforce-outbound-send", "salesforce-poll", "salesforce-customer-stage"}) {
            camel.getRouteController().startRoute(route);
        }
    }

    @AfterEach
    void clearSalesforceFaults() {
        salesforce.clearFaults();
    }

    protected static String email() {
        return "sf-" + UUID.randomUUID() + "@example.com";
    }

    /** The live Contact that carries this local customer's id, once it exists. */
    protected Optional<Contact> contactOf(long customerId) {
        return salesforce.contactByExternalId(Long.toString(customerId)).filter(c -> !c.isDeleted());
    }

    protected Contact awaitContact(long customerId) {
        await().atMost(SYNC).until(() -> contactOf(customerId).isPresent());
        return contactOf(customerId).orElseThrow();
    }

    /** The Contact Id Twoway agreed on for the customer, or null. */
    protected String agreedContactId(long customerId) {
        return jdbc.queryForList("select external_id from sync_state where customer_id = ? and system = 'salesforce'", String.class, customerId)
                .stream().findFirst().orElse(null);
    }

    protected long appliedVersion(long customerId) {
        return count("select coalesce(max(applied_version), -1) from sync_state where customer_id = ? and system = 'salesforce'", customerId);
    }

    /** The local customer made from (or linked to) this Contact, once there is one. */
    protected long awaitLocalOf(String contactId) {
        await().atMost(SYNC).until(() -> count("select count(*) from sync_state where system = 'salesforce' and external_id = ?", contactId) == 1);
        return count("select customer_id from sync_state where system = 'salesforce' and external_id = ?", contactId);
    }

    protected String localName(long customerId) {
        return jdbc.queryForObject("select name from customers where id = ?", String.class, customerId);
    }

    protected void stopRoute(String route) throws Exception {
        camel.getRouteController().stopRoute(route);
    }

    protected void faults(int count, Fault fault) {
        salesforce.failNext(count, fault);
    }
}
