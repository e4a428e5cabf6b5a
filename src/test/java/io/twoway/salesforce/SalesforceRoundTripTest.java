package io.twoway.salesforce;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.stripe.StripeClient;
import com.stripe.param.CustomerCreateParams;
import io.twoway.testsupport.LocalInfrastructure;
import io.twoway.salesforcesandbox.RecordedRequest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The local catalog as the hub: a change from Stripe reaches Salesforce, one from Salesforce reaches Stripe, and none
 * goes back to its origin or ping-pongs; the two sandboxes' request logs count the writes.
 */
class SalesforceRoundTripTest extends SalesforceIntegrationTest {

    private StripeClient stripeApi() {
        return StripeClient.builder().setApiKey(LocalInfrastructure.SANDBOX_API_KEY).setApiBase(stripe.baseUrl()).setMaxNetworkRetries(0).build();
    }

    private String stripeIdOf(long id) {
        return jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, id);
    }

    private long stripeWrites(String stripeId) {
        return stripe.requests().stream().filter(r -> !r.method().equals("GET") && r.path().startsWith("/v1/customers/" + stripeId)).count();
    }

    /** Twoway's writes touching the Contact (a person's edits through the sandbox's admin methods are not requests). */
    private List<RecordedRequest> salesforceWrites(String contactId, long customerId) {
        return salesforce.writeRequests().stream().filter(r -> r.path().contains(contactId)
                || (r.body() != null && (r.body().contains(contactId) || r.body().contains("\"" + customerId + "\"")))).toList();
    }

    /** Settled: both sides agree on the customer's version and the echoes are in. */
    private void awaitSettled(long id) {
        await().atMost(SYNC).until(() -> count("select count(*) from outbox_events where aggregate_id = ? and published_at is null", String.valueOf(id)) == 0
                && count("select count(*) from integration_outbound where system = 'salesforce' and customer_id = ?", id) == 0
                && count("select count(*) from webhook_events where status = 'pending'") == 0);
    }

    @Test
    void aCustomerMadeInStripeReachesSalesforceOnceAndNothingComesBack() throws Exception {
        String email = email();
        var created = stripeApi().v1().customers().create(CustomerCreateParams.builder().setName("Stripe Origin").setEmail(email).build());
        await().atMost(SYNC).until(() -> count("select count(*) from customers where stripe_customer_id = ?", created.getId()) == 1);
        long id = count("select id from customers where stripe_customer_id = ?", created.getId());
        String contactId = awaitContact(id).id();
        await().atMost(SYNC).until(() -> count("select count(*) from webhook_events where source = 'salesforce' and object_id = ? and status = 'echo'",
                contactId) >= 1);
        awaitSettled(id);
        Thread.sleep(3000); // three more polls and send cycles: time for a ping-pong to show, if there were one
        assertThat(salesforceWrites(contactId, id)).as("Twoway wrote the Contact once").hasSize(1);
        assertThat(stripeWrites(created.getId())).as("nothing went back to Stripe").isZero();
        assertThat(count("select version from customers where id = ?", id)).isEqualTo(1);
    }

    @Test
    void aContactMadeInSalesforceReachesStripeOnceAndNothingComesBack() throws Exception {
        salesforce.clearRequests();
        String contactId = salesforce.createAsAdmin(Map.of("FirstName", "Salesforce", "LastName", "Origin", "Email", email()));
        long id = awaitLocalOf(contactId);
        await().atMost(SYNC).until(() -> stripeIdOf(id) != null);
        String stripeId = stripeIdOf(id);
        salesforce.editAsAdmin(contactId, Map.of("LastName", "Renamed"));
        await().atMost(SYNC).until(() -> "Salesforce Renamed".equals(stripe.customer(stripeId).orElseThrow().get("name")));
        awaitSettled(id);
        Thread.sleep(3000);
        assertThat(stripe.requests().stream().filter(r -> r.method().equals("POST") && r.path().equals("/v1/customers")
                && email(r).equals(jdbc.queryForObject("select email from customers where id = ?", String.class, id))).count())
                .as("Twoway made the Stripe customer once").isEqualTo(1);
        assertThat(stripeWrites(stripeId)).as("and updated it once").isEqualTo(1);
        assertThat(salesforceWrites(contactId, id)).as("nothing went back to Salesforce").isEmpty();
        assertThat(count("select version from customers where id = ?", id)).as("created, renamed, and no other local write").isEqualTo(2);
    }

    private static String email(io.twoway.sandbox.RecordedRequest r) {
        return r.form() == null ? "" : r.form().getOrDefault("email", "");
    }
}
