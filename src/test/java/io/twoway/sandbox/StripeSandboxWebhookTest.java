package io.twoway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.model.Event;
import com.stripe.net.RequestOptions;
import com.stripe.net.Webhook;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.EventListParams;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Events API and signed webhook delivery (including retries), verified with stripe-java. */
class StripeSandboxWebhookTest {

    static final String SECRET = "whsec_test_secret";
    static StripeSandbox sandbox;
    static HttpServer receiver;
    static final List<String[]> received = new CopyOnWriteArrayList<>(); // {body, signature, contentType}
    static final AtomicInteger failuresToSend = new AtomicInteger();
    StripeClient stripe;

    @BeforeAll
    static void start() throws Exception {
        sandbox = StripeSandbox.start(0);
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            received.add(new String[] {body, ex.getRequestHeaders().getFirst("Stripe-Signature"),
                    ex.getRequestHeaders().getFirst("Content-Type")});
            ex.sendResponseHeaders(failuresToSend.getAndUpdate(n -> Math.max(0, n - 1)) > 0 ? 500 : 200, -1);
            ex.close();
        });
        receiver.start();
    }

    @AfterAll
    static void stop() {
        sandbox.close();
        receiver.stop(0);
    }

    @BeforeEach
    void setUp() {
        sandbox.reset();
        received.clear();
        failuresToSend.set(0);
        stripe = StripeClient.builder().setApiKey("sk_test_x").setApiBase(sandbox.baseUrl())
                .setMaxNetworkRetries(0).build();
    }

    @AfterEach
    void webhooksOff() {
        sandbox.webhook(null, null);
    }

    static String hookUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    @Test
    void eventsListFiltersByTypeTypesAndCreated() throws Exception {
        long before = Instant.now().getEpochSecond();
        Customer a = stripe.v1().customers().create(CustomerCreateParams.builder().setName("a").build());
        stripe.v1().customers().create(CustomerCreateParams.builder().setName("b").build());
        stripe.v1().customers().update(a.getId(), CustomerUpdateParams.builder().setName("a2").build());

        List<Event> created = stripe.v1().events().list(EventListParams.builder().setType("customer.created").build())
                .getData();
        assertThat(created).hasSize(2).allMatch(e -> e.getType().equals("customer.created"));
        assertThat(stripe.v1().events().list(EventListParams.builder().setType("customer.*").build()).getData())
                .hasSize(3);
        List<Event> both = stripe.v1().events().list(EventListParams.builder()
                .addType("customer.updated").addType("customer.deleted").build()).getData();
        assertThat(both).extracting(Event::getType).containsExactly("customer.updated");
        assertThat(stripe.v1().events().list(EventListParams.builder()
                .setCreated(EventListParams.Created.builder().setGte(before).build()).build()).getData()).hasSize(3);
        assertThat(stripe.v1().events().list(EventListParams.builder()
                .setCreated(EventListParams.Created.builder().setGte(before + 3600).build()).build()).getData())
                .isEmpty();

        List<Event> page = stripe.v1().events().list(EventListParams.builder().setLimit(2L).build()).getData();
        assertThat(page.get(0).getType()).isEqualTo("customer.updated");
        Event fetched = stripe.v1().events().retrieve(page.get(1).getId());
        assertThat(fetched.getApiVersion()).isEqualTo("2026-07-29.dahlia");
        assertThat(fetched.getRequest().getId()).startsWith("req_");
        assertThat(fetched.getDataObjectDeserializer().getObject()).containsInstanceOf(Customer.class);
    }

    @Test
    void webhooksAreSignedAndCarryPreviousAttributesAndIdempotencyKey() throws Exception {
        sandbox.webhook(hookUrl(), SECRET);
        Customer c = stripe.v1().customers().create(CustomerCreateParams.builder().setName("Old").build(),
                RequestOptions.builder().setIdempotencyKey("create-1").build());
        stripe.v1().customers().update(c.getId(), CustomerUpdateParams.builder().setName("New").build(),
                RequestOptions.builder().setIdempotencyKey("update-1").build());

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
        Event createdEvent = Webhook.constructEvent(received.get(0)[0], received.get(0)[1], SECRET);
        Event updated = Webhook.constructEvent(received.get(1)[0], received.get(1)[1], SECRET);
        assertThat(received.get(0)[2]).isEqualTo("application/json; charset=utf-8");
        assertThat(createdEvent.getType()).isEqualTo("customer.created");
        assertThat(createdEvent.getRequest().getIdempotencyKey()).isEqualTo("create-1");
        assertThat(updated.getType()).isEqualTo("customer.updated");
        assertThat(updated.getRequest().getIdempotencyKey()).isEqualTo("update-1");
        assertThat(updated.getData().getPreviousAttributes()).isEqualTo(Map.of("name", "Old"));
        Customer fromEvent = (Customer) updated.getDataObjectDeserializer().getObject().orElseThrow();
        assertThat(fromEvent.getName()).isEqualTo("New");
        assertThat(createdEvent.getData().getPreviousAttributes()).isNull();
        assertThat(sandbox.webhookDeliveries()).extracting(WebhookDelivery::status, WebhookDelivery::attempt)
                .containsExactly(tuple(200, 1), tuple(200, 1));
        await().atMost(Duration.ofSeconds(2)).until(() -> sandbox.events().stream()
                .allMatch(e -> Integer.valueOf(0).equals(e.get("pending_webhooks"))));
    }

    @Test
    void failedDeliveryIsRetried() throws Exception {
        failuresToSend.set(1);
        sandbox.webhook(hookUrl(), SECRET);
        Customer c = stripe.v1().customers().create(CustomerCreateParams.builder().setEmail("r@example.com").build());

        await().atMost(Duration.ofSeconds(5)).until(() -> sandbox.webhookDeliveries().size() == 2);
        assertThat(sandbox.webhookDeliveries()).extracting(WebhookDelivery::status).containsExactly(500, 200);
        assertThat(sandbox.webhookDeliveries()).extracting(WebhookDelivery::attempt).containsExactly(1, 2);
        assertThat(received).hasSize(2);
        for (String[] delivery : received) {
            Event e = Webhook.constructEvent(delivery[0], delivery[1], SECRET);
            assertThat(e.getId()).isEqualTo(sandbox.events().get(0).get("id"));
            assertThat(((Customer) e.getDataObjectDeserializer().getObject().orElseThrow()).getId())
                    .isEqualTo(c.getId());
        }
    }

    @Test
    void unreachableEndpointIsRecordedAsIoError() throws Exception {
        sandbox.webhook("http://127.0.0.1:1/nowhere", SECRET);
        stripe.v1().customers().create(CustomerCreateParams.builder().build());
        await().atMost(Duration.ofSeconds(3)).until(() -> !sandbox.webhookDeliveries().isEmpty());
        assertThat(sandbox.webhookDeliveries().get(0).status()).isEqualTo(-1);
    }
}
