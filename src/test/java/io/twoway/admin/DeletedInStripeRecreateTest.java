package io.twoway.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.stripe.StripeClient;
import io.twoway.testsupport.IntegrationTest;
import io.twoway.testsupport.LocalInfrastructure;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.TestPropertySource;

/** {@code STRIPE_DELETED_CUSTOMER_ACTION=recreate}: an update of a customer deleted in Stripe outside Twoway makes it again, once. */
@TestPropertySource(properties = {"twoway.stripe.deleted-customer-action=recreate", "camel.main.jmx-enabled=false"})
class DeletedInStripeRecreateTest extends IntegrationTest {

    @Test
    void anUpdateOfACustomerDeletedInStripeCreatesItAgain() throws Exception {
        long id = http().createCustomer("Made Again", "re-" + UUID.randomUUID() + "@example.com");
        await().atMost(Duration.ofSeconds(30)).until(() -> stripeCustomersOf(id).size() == 1);
        String deleted = (String) stripeCustomersOf(id).get(0).get("id");
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from webhook_events where object_id = ? and status <> 'pending'", deleted) >= 1);
        stripe.dropNextWebhooks(1);
        StripeClient.builder().setApiKey(LocalInfrastructure.SANDBOX_API_KEY).setApiBase(stripe.baseUrl()).build().v1().customers().delete(deleted);

        assertThat(http().put("/customers/" + id, "{\"name\":\"Made Again, Renamed\"}").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> stripeCustomersOf(id).size() == 1 && !deleted.equals(stripeCustomersOf(id).get(0).get("id")));
        String made = (String) stripeCustomersOf(id).get(0).get("id");
        assertThat(stripeCustomersOf(id).get(0)).containsEntry("name", "Made Again, Renamed");
        await().atMost(Duration.ofSeconds(30)).until(() -> made.equals(jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, id)));
        assertThat(count("select count(*) from customers where id = ? and is_active", id)).isEqualTo(1);
        assertThat(count("select count(*) from dead_letters where customer_id = ?", id)).isZero();
    }
}
