package io.twoway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.stripe.StripeClient;
import com.stripe.exception.InvalidRequestException;
import com.stripe.model.Customer;
import com.stripe.model.Event;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerListParams;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.EventListParams;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Seeded customers (Java API and control endpoint) and cursor paging edge cases, through stripe-java over HTTP. */
class StripeSandboxSeedTest {

    static StripeSandbox sandbox;
    StripeClient stripe;

    @BeforeAll
    static void start() {
        sandbox = StripeSandbox.start(0);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void setUp() {
        sandbox.reset();
        stripe = StripeSandboxTest.client(sandbox, "sk_test_x", 0);
    }

    static StripeSandbox.SeedCustomer seed(String name, long created) {
        return new StripeSandbox.SeedCustomer(name, name + "@example.com", Map.of("twoway_id", name), created);
    }

    static HttpResponse<String> seedControl(String body) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl()
                        + "/_sandbox/customers/seed")).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    List<String> list(CustomerListParams params) throws Exception {
        return stripe.v1().customers().list(params).getData().stream().map(Customer::getId).toList();
    }

    @Test
    void seededCustomersBehaveLikeCreatedOnesButHaveNoEvents() throws Exception {
        List<String> ids = sandbox.seedCustomers(List.of(seed("a", 1_600_000_000L), seed("b", 1_600_000_100L),
                new StripeSandbox.SeedCustomer("c", "", null, 1_600_000_200L)));
        assertThat(ids).hasSize(3).doesNotHaveDuplicates().allMatch(id -> id.matches("cus_[A-Za-z0-9]{14}"));
        assertThat(sandbox.events()).isEmpty();
        assertThat(sandbox.customerCount()).isEqualTo(3);
        assertThat(sandbox.customers()).extracting(c -> c.get("id"))
                .containsExactly(ids.get(2), ids.get(1), ids.get(0));

        Customer a = stripe.v1().customers().retrieve(ids.get(0));
        assertThat(a.getCreated()).isEqualTo(1_600_000_000L);
        assertThat(a.getEmail()).isEqualTo("a@example.com");
        assertThat(a.getMetadata()).isEqualTo(Map.of("twoway_id", "a"));
        Customer c = stripe.v1().customers().retrieve(ids.get(2));
        assertThat(c.getEmail()).isNull();
        assertThat(c.getMetadata()).isEmpty();
        Customer created = stripe.v1().customers().create(CustomerCreateParams.builder().setName("new").build());
        assertThat(sandbox.customer(ids.get(0)).orElseThrow().keySet())
                .containsExactlyElementsOf(sandbox.customer(created.getId()).orElseThrow().keySet());

        assertThat(list(CustomerListParams.builder().build())).containsExactly(created.getId(), ids.get(2),
                ids.get(1), ids.get(0));
        assertThat(list(CustomerListParams.builder().setEmail("b@example.com").build())).containsExactly(ids.get(1));
        assertThat(list(CustomerListParams.builder().setCreated(CustomerListParams.Created.builder()
                .setLte(1_600_000_100L).build()).build())).containsExactly(ids.get(1), ids.get(0));

        stripe.v1().customers().update(ids.get(1), CustomerUpdateParams.builder().setName("b2").build());
        stripe.v1().customers().delete(ids.get(0));
        assertThat(sandbox.events()).extracting(e -> e.get("type"))
                .containsExactly("customer.deleted", "customer.updated", "customer.created");
        assertThat(StripeSandboxTest.data(sandbox.events().get(1)).get("previous_attributes"))
                .isEqualTo(Map.of("name", "b"));
        assertThat(sandbox.customerCount()).isEqualTo(3);
    }

    @Test
    void aBadSeedIsRejectedAndAddsNone() {
        assertThatThrownBy(() -> sandbox.seedCustomers(List.of(seed("ok", 1_600_000_000L),
                new StripeSandbox.SeedCustomer("bad", "not-an-email", Map.of(), 1_600_000_000L))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("customers[1][email]");
        assertThatThrownBy(() -> sandbox.seedCustomers(List.of(seed("ms", System.currentTimeMillis()))))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("customers[0][created]");
        assertThat(sandbox.customerCount()).isZero();
    }

    @Test
    @SuppressWarnings("unchecked")
    void seedControlAddsCustomersAndRejectsABadBodyWithoutChangingAnything() throws Exception {
        HttpResponse<String> ok = seedControl("""
                {"customers":[
                  {"name":"Old","email":"old@example.com","metadata":{"twoway_id":"1"},"created":1500000000},
                  {"name":"Second","created":1400000000}]}""");
        assertThat(ok.statusCode()).isEqualTo(200);
        Map<String, Object> body = SandboxJson.read(ok.body());
        assertThat(body).containsEntry("object", "list");
        List<String> ids = (List<String>) body.get("data");
        assertThat(list(CustomerListParams.builder().build())).containsExactly(ids.get(1), ids.get(0));
        assertThat(stripe.v1().customers().retrieve(ids.get(0)).getMetadata()).containsEntry("twoway_id", "1");

        HttpResponse<String> bad = seedControl(
                "{\"customers\":[{\"name\":\"fine\",\"created\":1500000000},{\"name\":\"no created\"}]}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat((Map<String, Object>) SandboxJson.read(bad.body()).get("error"))
                .containsEntry("type", "invalid_request_error").containsEntry("code", "parameter_missing")
                .containsEntry("param", "customers[1][created]");
        HttpResponse<String> badEmail = seedControl("{\"customers\":[{\"email\":\"nope\",\"created\":1500000000}]}");
        assertThat(badEmail.statusCode()).isEqualTo(400);
        assertThat(badEmail.body()).contains("customers[0][email]");
        assertThat(seedControl("{\"customers\":{}}").statusCode()).isEqualTo(400);
        assertThat(sandbox.customerCount()).isEqualTo(2);
        assertThat(sandbox.requests()).extracting(RecordedRequest::path).doesNotContain("/_sandbox/customers/seed");
    }

    @Test
    void cursorsWalkBothWaysAndAcceptADeletedCustomer() throws Exception {
        List<String> ids = sandbox.seedCustomers(List.of(seed("c0", 1L), seed("c1", 2L), seed("c2", 3L),
                seed("c3", 4L), seed("c4", 5L), seed("c5", 6L)));
        assertThat(list(CustomerListParams.builder().setLimit(2L).setEndingBefore(ids.get(1)).build()))
                .containsExactly(ids.get(3), ids.get(2));
        var before = stripe.v1().customers().list(CustomerListParams.builder().setLimit(2L)
                .setEndingBefore(ids.get(3)).build());
        assertThat(before.getData()).extracting(Customer::getId).containsExactly(ids.get(5), ids.get(4));
        assertThat(before.getHasMore()).isFalse();

        stripe.v1().customers().delete(ids.get(3));
        var after = stripe.v1().customers().list(CustomerListParams.builder().setLimit(2L)
                .setStartingAfter(ids.get(3)).build());
        assertThat(after.getData()).extracting(Customer::getId).containsExactly(ids.get(2), ids.get(1));
        assertThat(after.getHasMore()).isTrue();
        assertThat(list(CustomerListParams.builder().setEndingBefore(ids.get(3)).build()))
                .containsExactly(ids.get(5), ids.get(4));
        assertThat(list(CustomerListParams.builder().setEmail("c1@example.com").setStartingAfter(ids.get(5)).build()))
                .containsExactly(ids.get(1));

        InvalidRequestException both = catchThrowableOfType(() -> list(CustomerListParams.builder()
                .setStartingAfter(ids.get(1)).setEndingBefore(ids.get(2)).build()), InvalidRequestException.class);
        assertThat(both.getStatusCode()).isEqualTo(400);
        assertThat(both.getParam()).isEqualTo("ending_before");
        InvalidRequestException unknown = catchThrowableOfType(() -> list(CustomerListParams.builder()
                .setEndingBefore("cus_nope").build()), InvalidRequestException.class);
        assertThat(unknown.getStatusCode()).isEqualTo(404);
        assertThat(unknown.getParam()).isEqualTo("ending_before");
    }

    @Test
    void eventsPageBothWaysWithFilters() throws Exception {
        List<String> ids = sandbox.seedCustomers(List.of(seed("a", 1L), seed("b", 2L)));
        for (int i = 0; i < 3; i++) {
            for (String id : ids) {
                stripe.v1().customers().update(id, CustomerUpdateParams.builder().setName("n" + i).build());
            }
        }
        stripe.v1().customers().delete(ids.get(0));
        List<String> all = sandbox.events().stream().map(e -> (String) e.get("id")).toList(); // newest first
        assertThat(all).hasSize(7);
        var page = stripe.v1().events().list(EventListParams.builder().setLimit(2L).setStartingAfter(all.get(1))
                .setType("customer.updated").build());
        assertThat(page.getData()).extracting(Event::getId).containsExactly(all.get(2), all.get(3));
        assertThat(page.getHasMore()).isTrue();
        var back = stripe.v1().events().list(EventListParams.builder().setLimit(3L).setEndingBefore(all.get(4))
                .build());
        assertThat(back.getData()).extracting(Event::getId).containsExactly(all.get(1), all.get(2), all.get(3));
        assertThat(back.getHasMore()).isTrue();
        assertThat(stripe.v1().events().list(EventListParams.builder().setStartingAfter(all.get(5)).build()).getData())
                .extracting(Event::getId).containsExactly(all.get(6));
    }
}
