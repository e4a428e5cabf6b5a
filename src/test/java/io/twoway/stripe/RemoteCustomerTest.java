package io.twoway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.twoway.testsupport.StripeEvents;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Reading a Stripe customer event, and the order rules that use it: same state, follows the agreed state. */
class RemoteCustomerTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static RemoteCustomer read(String body) throws Exception {
        return RemoteCustomer.fromEvent(JSON.readTree(body));
    }

    private static SyncState agreed(String name, String email) {
        return new SyncState(1, "cus_1", 1, name, email, false, 100L, "evt_0");
    }

    @Test
    void readsTheObjectTheLocalIdTheReplacedFieldsAndTheRequestKey() throws Exception {
        RemoteCustomer r = read(StripeEvents.event("customer.updated", StripeEvents.customer("cus_1", "New", "a@example.com", 42L),
                Map.of("name", "Old", "phone", "1"), 100, "key-1"));
        assertThat(r.id()).isEqualTo("cus_1");
        assertThat(r.localId()).isEqualTo(42L);
        assertThat(r.replaced("name")).isTrue();
        assertThat(r.replaced("email")).isFalse();
        assertThat(r.before("name")).isEqualTo("Old");
        assertThat(r.before("email")).isEqualTo("a@example.com");
        assertThat(r.idempotencyKey()).isEqualTo("key-1");
        assertThat(r.deleted()).isFalse();
    }

    @Test
    void aChangeFollowsTheAgreedStateWhenTheValuesItReplacedAreTheAgreedOnes() throws Exception {
        RemoteCustomer next = read(StripeEvents.event("customer.updated", StripeEvents.customer("cus_1", "B", "a@example.com", null),
                Map.of("name", "A"), 100, null));
        assertThat(next.follows(agreed("A", "a@example.com"))).isTrue();
        assertThat(next.follows(agreed("Z", "a@example.com"))).isFalse();
        assertThat(next.sameAs(agreed("B", "a@example.com"))).isTrue();
        RemoteCustomer created = read(StripeEvents.event("customer.created", StripeEvents.customer("cus_1", "B", "a@example.com", null), null, 100, null));
        assertThat(created.follows(agreed("B", "a@example.com"))).as("no previous_attributes: cannot follow").isFalse();
    }

    @Test
    void aDeletedEventIsADeletionAndAnEventWithoutObjectIdIsPoison() throws Exception {
        assertThat(read(StripeEvents.event("customer.deleted", StripeEvents.customer("cus_1", "B", "a@example.com", null), null, 1, null)).deleted()).isTrue();
        assertThat(read(StripeEvents.event("customer.updated", StripeEvents.customer("cus_1", "B", null, 7L), null, 1, null)).email()).isNull();
        assertThatThrownBy(() -> read(StripeEvents.event("customer.updated", Map.of("object", "customer"), null, 1, null)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("data.object.id");
    }
}
