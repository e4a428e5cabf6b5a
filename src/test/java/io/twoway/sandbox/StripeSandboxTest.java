package io.twoway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.stripe.StripeClient;
import com.stripe.exception.AuthenticationException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerListParams;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.common.EmptyParam;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Customer CRUD, metadata, listing, validation and auth errors, exercised through stripe-java over HTTP. */
class StripeSandboxTest {

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
        sandbox.rateLimit(0);
        stripe = client("sk_test_x", 0);
    }

    static StripeClient client(String key, int retries) {
        return client(sandbox, key, retries);
    }

    static StripeClient client(StripeSandbox target, String key, int retries) {
        return StripeClient.builder().setApiKey(key).setApiBase(target.baseUrl()).setMaxNetworkRetries(retries).build();
    }

    static RequestOptions key(String idempotencyKey) {
        return RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
    }

    Customer create(String name, String email) throws StripeException {
        return stripe.v1().customers().create(CustomerCreateParams.builder().setName(name).setEmail(email).build());
    }

    @Test
    void createRetrieveUpdateDeleteRoundTrip() throws Exception {
        Customer created = stripe.v1().customers().create(CustomerCreateParams.builder().setName("Ada")
                .setEmail("ada@example.com").setPhone("+4912345").setDescription("first").build());
        assertThat(created.getId()).matches("cus_[A-Za-z0-9]{14}");
        assertThat(created.getCreated()).isPositive();
        assertThat(created.getLivemode()).isFalse();

        Customer fetched = stripe.v1().customers().retrieve(created.getId());
        assertThat(fetched.getEmail()).isEqualTo("ada@example.com");
        assertThat(fetched.getPhone()).isEqualTo("+4912345");

        Customer updated = stripe.v1().customers().update(created.getId(),
                CustomerUpdateParams.builder().setName("Ada L.").build());
        assertThat(updated.getName()).isEqualTo("Ada L.");
        assertThat(updated.getEmail()).isEqualTo("ada@example.com");
        assertThat(updated.getDescription()).isEqualTo("first");

        Customer deleted = stripe.v1().customers().delete(created.getId());
        assertThat(deleted.getDeleted()).isTrue();
        assertThat(deleted.getId()).isEqualTo(created.getId());
        Customer again = stripe.v1().customers().retrieve(created.getId());
        assertThat(again.getDeleted()).isTrue();
        assertThat(again.getEmail()).isNull();
        assertThat(sandbox.customer(created.getId())).contains(
                Map.of("id", created.getId(), "object", "customer", "deleted", true));
        assertThat(sandbox.customers()).isEmpty();
        InvalidRequestException e = catchThrowableOfType(() -> stripe.v1().customers().update(created.getId(),
                CustomerUpdateParams.builder().setName("x").build()), InvalidRequestException.class);
        assertThat(e.getStatusCode()).isEqualTo(404);
        assertThat(sandbox.events()).extracting(ev -> ev.get("type"))
                .containsExactly("customer.deleted", "customer.updated", "customer.created");
    }

    @Test
    void metadataIsMergedAndEmptyValueRemovesKey() throws Exception {
        Customer c = stripe.v1().customers().create(CustomerCreateParams.builder()
                .putMetadata("twoway_id", "12").putMetadata("source", "crm").build());
        Customer u = stripe.v1().customers().update(c.getId(),
                CustomerUpdateParams.builder().putMetadata("source", "").putMetadata("tier", "gold").build());
        assertThat(u.getMetadata()).isEqualTo(Map.of("twoway_id", "12", "tier", "gold"));
        Map<String, Object> data = data(sandbox.events().get(0));
        assertThat(data.get("previous_attributes"))
                .isEqualTo(Map.of("metadata", mapWithNull("source", "crm", "tier")));

        int eventsBefore = sandbox.events().size();
        stripe.v1().customers().update(c.getId(), CustomerUpdateParams.builder().putMetadata("tier", "gold").build());
        assertThat(sandbox.events()).hasSize(eventsBefore); // nothing changed: no event

        Customer cleared = stripe.v1().customers().update(c.getId(),
                CustomerUpdateParams.builder().setMetadata(EmptyParam.EMPTY).build());
        assertThat(cleared.getMetadata()).isEmpty();
    }

    @Test
    void autoPagingWalksAllPagesNewestFirst() throws Exception {
        List<String> createdIds = new ArrayList<>();
        for (int i = 0; i < 25; i++) {
            createdIds.add(create("c" + i, "c" + i + "@example.com").getId());
        }
        List<String> listed = new ArrayList<>();
        stripe.v1().customers().list(CustomerListParams.builder().setLimit(10L).build())
                .autoPagingIterable().forEach(c -> listed.add(c.getId()));
        List<String> newestFirst = new ArrayList<>(createdIds);
        Collections.reverse(newestFirst);
        assertThat(listed).doesNotHaveDuplicates().hasSize(25).containsExactlyElementsOf(newestFirst);
        List<RecordedRequest> pages = sandbox.requests().stream().filter(r -> r.method().equals("GET")).toList();
        assertThat(pages).hasSize(3);
        assertThat(pages.get(1).query()).containsEntry("starting_after", createdIds.get(15)).containsEntry("limit", "10");
    }

    @Test
    void listFiltersByExactEmailAndValidatesLimit() throws Exception {
        Customer a = create("a", "same@example.com");
        create("b", "other@example.com");
        Customer c = create("c", "same@example.com");
        create("d", "SAME@example.com");
        List<Customer> found = stripe.v1().customers()
                .list(CustomerListParams.builder().setEmail("same@example.com").build()).getData();
        assertThat(found).extracting(Customer::getId).containsExactly(c.getId(), a.getId());

        InvalidRequestException e = catchThrowableOfType(() -> stripe.v1().customers()
                .list(CustomerListParams.builder().setLimit(101L).build()), InvalidRequestException.class);
        assertThat(e.getParam()).isEqualTo("limit");
        InvalidRequestException missing = catchThrowableOfType(() -> stripe.v1().customers()
                .list(CustomerListParams.builder().setStartingAfter("cus_nope").build()), InvalidRequestException.class);
        assertThat(missing.getCode()).isEqualTo("resource_missing");
        assertThat(missing.getStatusCode()).isEqualTo(404);
    }

    @Test
    void validationErrorsMatchStripe() {
        InvalidRequestException missing = catchThrowableOfType(
                () -> stripe.v1().customers().retrieve("cus_missing"), InvalidRequestException.class);
        assertThat(missing.getStatusCode()).isEqualTo(404);
        assertThat(missing.getCode()).isEqualTo("resource_missing");
        assertThat(missing.getParam()).isEqualTo("id");
        assertThat(missing.getStripeError().getMessage()).isEqualTo("No such customer: 'cus_missing'");
        assertThat(missing.getRequestId()).startsWith("req_");

        InvalidRequestException unknown = catchThrowableOfType(() -> stripe.v1().customers().create(
                CustomerCreateParams.builder().putExtraParam("nickname", "x").build()), InvalidRequestException.class);
        assertThat(unknown.getCode()).isEqualTo("parameter_unknown");
        assertThat(unknown.getParam()).isEqualTo("nickname");

        InvalidRequestException email = catchThrowableOfType(() -> create("x", "not-an-email"),
                InvalidRequestException.class);
        assertThat(email.getCode()).isEqualTo("email_invalid");
        assertThat(email.getParam()).isEqualTo("email");
        assertThat(sandbox.customers()).isEmpty();
        assertThat(sandbox.events()).isEmpty();
    }

    @Test
    void badApiKeyIsRejected() throws Exception {
        AuthenticationException e = catchThrowableOfType(
                () -> client("sk_live_secretvalue123", 0).v1().customers().list(), AuthenticationException.class);
        assertThat(e.getStatusCode()).isEqualTo(401);
        assertThat(e.getMessage()).contains("Invalid API Key provided").doesNotContain("secretvalue");

        HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(sandbox.baseUrl() + "/v1/customers")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(raw.statusCode()).isEqualTo(401);
        assertThat(raw.headers().firstValue("Content-Type")).contains("application/json");
        assertThat(raw.headers().firstValue("Request-Id").orElseThrow()).startsWith("req_");
        assertThat(raw.body()).contains("\"type\":\"invalid_request_error\"");
    }

    @Test
    void unknownRouteIsJson404() throws Exception {
        HttpResponse<String> raw = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(sandbox.baseUrl() + "/v1/charges")).header("Authorization", "Bearer sk_test_x").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(raw.statusCode()).isEqualTo(404);
        assertThat(raw.body()).contains("Unrecognized request URL (GET: /v1/charges)");
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> data(Map<String, Object> event) {
        return (Map<String, Object>) event.get("data");
    }

    static Map<String, Object> mapWithNull(String key, Object value, String nullKey) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(key, value);
        m.put(nullKey, null);
        return m;
    }
}
