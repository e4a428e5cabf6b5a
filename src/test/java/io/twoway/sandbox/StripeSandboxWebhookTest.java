package io.twoway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;
import static org.awaitility.Awaitility.await;

import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.exception.SignatureVerificationException;
import com.stripe.model.Event;
import com.stripe.net.RequestOptions;
import com.stripe.net.Webhook;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerUpdateParams;
import com.stripe.param.EventListParams;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
    static final HttpClient CONTROLS = HttpClient.newHttpClient();
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
        sandbox.rateLimit(0);
    }

    static String hookUrl() {
        return "http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook";
    }

    /** Event ids in arrival order. */
    static List<String> receivedIds() {
        return received.stream().map(r -> (String) SandboxJson.read(r[0]).get("id")).toList();
    }

    static String send(String type) {
        return (String) sandbox.sendEvent(type, Map.of("id", "cus_forged", "object", "customer"), null, null).get("id");
    }

    static HttpResponse<String> control(String method, String path, String body) throws Exception {
        HttpRequest.BodyPublisher publisher = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body);
        return CONTROLS.send(HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .method(method, publisher).header("Content-Type", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static Map<String, Object> json(HttpResponse<String> response) {
        return SandboxJson.read(response.body());
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

    @Test
    void pausedEventsStayPendingAndResumeDeliversThemInCreationOrder() throws Exception {
        sandbox.webhook(hookUrl(), SECRET);
        sandbox.pauseWebhooks();
        Customer c = stripe.v1().customers().create(CustomerCreateParams.builder().setName("a").build());
        stripe.v1().customers().update(c.getId(), CustomerUpdateParams.builder().setName("b").build());
        stripe.v1().customers().delete(c.getId());

        List<String> newestFirst = sandbox.events().stream().map(e -> (String) e.get("id")).toList();
        assertThat(received).isEmpty(); // held synchronously when each event was recorded
        assertThat(sandbox.webhookDeliveries()).isEmpty();
        List<Event> pending = stripe.v1().events().list(EventListParams.builder()
                .putExtraParam("delivery_success", "false").build()).getData();
        assertThat(pending).extracting(Event::getId).containsExactlyElementsOf(newestFirst);
        assertThat(pending).extracting(Event::getPendingWebhooks).containsOnly(1L);

        sandbox.resumeWebhooks();
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 3);
        assertThat(receivedIds()).containsExactly(newestFirst.get(2), newestFirst.get(1), newestFirst.get(0));
        await().atMost(Duration.ofSeconds(2)).until(() -> sandbox.events().stream()
                .allMatch(e -> Integer.valueOf(0).equals(e.get("pending_webhooks"))));
    }

    @Test
    void droppedEventIsNeverDeliveredAndStaysPending() throws Exception {
        sandbox.webhook(hookUrl(), SECRET);
        sandbox.dropNextWebhooks(1);
        String lost = send("customer.updated");
        String next = send("customer.updated");

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        assertThat(receivedIds()).containsExactly(next); // one sender thread: the lost one would have come first
        assertThat(sandbox.webhookDeliveries())
                .extracting(WebhookDelivery::eventId, WebhookDelivery::status, WebhookDelivery::dropped)
                .containsExactly(tuple(lost, 0, true), tuple(next, 200, false));
        await().atMost(Duration.ofSeconds(2)).until(() -> stripe.v1().events().list(EventListParams.builder()
                .putExtraParam("delivery_success", "false").build()).getData().stream().map(Event::getId).toList()
                .equals(List.of(lost)));
    }

    @Test
    void duplicatedEventIsDeliveredTwiceWithTheSameBody() throws Exception {
        sandbox.webhook(hookUrl(), SECRET);
        sandbox.duplicateNextWebhooks(1);
        String twice = send("customer.updated");
        String once = send("customer.updated");

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 3);
        assertThat(receivedIds()).containsExactly(twice, twice, once);
        assertThat(received.get(0)[0]).isEqualTo(received.get(1)[0]);
        assertThat(Webhook.constructEvent(received.get(1)[0], received.get(1)[1], SECRET).getId()).isEqualTo(twice);
        assertThat(sandbox.webhookDeliveries()).extracting(WebhookDelivery::status).containsExactly(200, 200, 200);
    }

    @Test
    void delayedEventArrivesAfterALaterOne() throws Exception {
        sandbox.webhook(hookUrl(), SECRET);
        sandbox.delayNextWebhooks(1, Duration.ofSeconds(1));
        String delayed = send("customer.updated");
        String later = send("customer.updated");

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
        assertThat(receivedIds()).containsExactly(later, delayed);
    }

    @Test
    void reorderedBatchIsDeliveredNewestFirst() throws Exception {
        sandbox.webhook(hookUrl(), SECRET);
        sandbox.reorderNextWebhooks(3);
        String a = send("customer.created");
        String b = send("customer.updated");
        String c = send("customer.updated");
        String d = send("customer.deleted");

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 4);
        assertThat(receivedIds()).containsExactly(c, b, a, d);
    }

    @Test
    void clearWebhookFaultsReleasesAndResumesAndResetForgetsFaults() throws Exception {
        sandbox.webhook(hookUrl(), SECRET);
        sandbox.reorderNextWebhooks(3);
        String a = send("customer.updated");
        String b = send("customer.updated");
        sandbox.pauseWebhooks();
        sandbox.dropNextWebhooks(1);
        sandbox.clearWebhookFaults();
        String c = send("customer.updated");
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 3);
        assertThat(receivedIds()).containsExactly(b, a, c);

        sandbox.pauseWebhooks();
        sandbox.dropNextWebhooks(1);
        sandbox.delayNextWebhooks(1, Duration.ofMinutes(5));
        sandbox.reset();
        received.clear();
        String d = send("customer.updated");
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        assertThat(receivedIds()).containsExactly(d);
    }

    @Test
    @SuppressWarnings("unchecked")
    void sendEventForgesAnEventWithChosenCreatedAndPreviousAttributes() throws Exception {
        sandbox.webhook(hookUrl(), SECRET);
        long created = Instant.now().getEpochSecond() - 120;
        Map<String, Object> object = Map.of("id", "cus_forged1", "object", "customer", "name", "New",
                "email", "f@example.com", "metadata", Map.of("local_id", "7"));
        Map<String, Object> sent = sandbox.sendEvent("customer.updated", object, Map.of("name", "Old"), "idem-forged",
                created);

        assertThat((String) sent.get("id")).startsWith("evt_");
        assertThat(sent).containsEntry("created", created).containsEntry("api_version", "2026-07-29.dahlia")
                .containsEntry("type", "customer.updated").containsEntry("pending_webhooks", 1);
        assertThat((Map<String, Object>) sent.get("request"))
                .containsEntry("id", null).containsEntry("idempotency_key", "idem-forged");
        assertThatThrownBy(() -> sent.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);

        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        Event e = Webhook.constructEvent(received.get(0)[0], received.get(0)[1], SECRET);
        assertThat(e.getId()).isEqualTo(sent.get("id"));
        assertThat(e.getCreated()).isEqualTo(created);
        assertThat(e.getType()).isEqualTo("customer.updated");
        assertThat(e.getRequest().getId()).isNull();
        assertThat(e.getRequest().getIdempotencyKey()).isEqualTo("idem-forged");
        assertThat(e.getData().getPreviousAttributes()).isEqualTo(Map.of("name", "Old"));
        Customer fromEvent = (Customer) e.getDataObjectDeserializer().getObject().orElseThrow();
        assertThat(fromEvent.getName()).isEqualTo("New");
        assertThat(fromEvent.getMetadata()).containsEntry("local_id", "7");

        Map<String, Object> paid = sandbox.sendEvent("invoice.paid", Map.of("id", "in_1", "object", "invoice"), null,
                null);
        assertThat((Map<String, Object>) paid.get("data")).doesNotContainKey("previous_attributes");
        assertThat((Long) paid.get("created")).isGreaterThan(created);
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 2);
        assertThat(Webhook.constructEvent(received.get(1)[0], received.get(1)[1], SECRET).getType())
                .isEqualTo("invoice.paid");
    }

    @Test
    void forgedEventsListNewestCreatedFirstAndTiesKeepCreationOrder() throws Exception {
        long now = Instant.now().getEpochSecond();
        Map<String, Object> object = Map.of("id", "cus_forged2", "object", "customer");
        String tieFirst = (String) sandbox.sendEvent("customer.updated", object, Map.of(), null, now).get("id");
        String tieSecond = (String) sandbox.sendEvent("customer.updated", object, Map.of(), null, now).get("id");
        String older = (String) sandbox.sendEvent("customer.updated", object, Map.of(), null, now - 60).get("id");

        assertThat(sandbox.events()).extracting(e -> e.get("id")).containsExactly(tieSecond, tieFirst, older);
        assertThat(stripe.v1().events().list(EventListParams.builder().setLimit(2L).build()).getData())
                .extracting(Event::getId).containsExactly(tieSecond, tieFirst);
        assertThat(stripe.v1().events().list(EventListParams.builder().setStartingAfter(tieFirst).build()).getData())
                .extracting(Event::getId).containsExactly(older);
        assertThat(stripe.v1().events().list(EventListParams.builder()
                .setCreated(EventListParams.Created.builder().setLt(now).build()).build()).getData())
                .extracting(Event::getId).containsExactly(older);
    }

    @Test
    void deliverRawPostsExactlyTheGivenBodyAndSignature() throws Exception {
        sandbox.webhook(hookUrl(), SECRET);
        assertThat(sandbox.webhookSecret()).isEqualTo(SECRET);
        long now = Instant.now().getEpochSecond();
        String body = "{\"id\":\"evt_raw\",\"object\":\"event\",\"type\":\"customer.updated\"}";

        String wrong = StripeSandbox.signatureHeader(now, body, "whsec_wrong");
        assertThat(sandbox.deliverRaw(body, wrong)).isEqualTo(200);
        assertThat(sandbox.deliverRaw(body, null)).isEqualTo(200);
        String rotated = StripeSandbox.signatureHeader(now, body, "whsec_old", SECRET);
        assertThat(sandbox.deliverRaw(body, rotated)).isEqualTo(200);

        assertThat(received).hasSize(3); // synchronous
        assertThat(received.get(0)[0]).isEqualTo(body);
        assertThat(received.get(0)[1]).isEqualTo(wrong);
        assertThatThrownBy(() -> Webhook.constructEvent(received.get(0)[0], received.get(0)[1], SECRET))
                .isInstanceOf(SignatureVerificationException.class);
        assertThat(received.get(1)[1]).isNull();
        assertThat(rotated).matches("t=" + now + ",v1=[0-9a-f]{64},v1=[0-9a-f]{64}");
        assertThat(Webhook.constructEvent(received.get(2)[0], received.get(2)[1], SECRET).getId()).isEqualTo("evt_raw");
        assertThat(Webhook.Signature.verifyHeader(body, StripeSandbox.signatureHeader(now, body, SECRET), SECRET,
                300)).isTrue();
        assertThat(sandbox.webhookDeliveries()).isEmpty();
        assertThat(sandbox.events()).isEmpty();
    }

    @Test
    @SuppressWarnings("unchecked")
    void httpControlsDriveWebhooksAndStayOutOfTheRequestLogAndRateLimit() throws Exception {
        sandbox.webhook(hookUrl(), SECRET);
        sandbox.rateLimit(1);
        Customer c = stripe.v1().customers().create(CustomerCreateParams.builder().setName("real").build(),
                RequestOptions.builder().setIdempotencyKey("create-real").build());
        String realEvent = (String) sandbox.events().get(0).get("id");
        await().atMost(Duration.ofSeconds(5)).until(() -> sandbox.webhookDeliveries().size() == 1);
        received.clear();

        assertThat(json(control("POST", "/_sandbox/webhooks/pause", null))).containsEntry("paused", true);
        long created = Instant.now().getEpochSecond() - 30;
        HttpResponse<String> sent = control("POST", "/_sandbox/webhooks/send", """
                {"type":"customer.updated","object":{"id":"%s","object":"customer","name":"Remote"},
                 "previous_attributes":{"name":"real"},"idempotency_key":null,"created":%d}"""
                .formatted(c.getId(), created));
        assertThat(sent.statusCode()).isEqualTo(200);
        Map<String, Object> event = json(sent);
        String forged = (String) event.get("id");
        assertThat(event).containsEntry("type", "customer.updated");
        assertThat(((Number) event.get("created")).longValue()).isEqualTo(created);

        HttpResponse<String> status = control("GET", "/_sandbox/webhooks", null);
        assertThat(json(status)).containsEntry("url", hookUrl()).containsEntry("paused", true).containsEntry("held", 1);
        assertThat(status.body()).doesNotContain(SECRET);

        assertThat(control("POST", "/_sandbox/webhooks/faults", "{\"duplicate\":1}").statusCode()).isEqualTo(200);
        assertThat(control("POST", "/_sandbox/webhooks/faults", "{\"drop\":2}").statusCode()).isEqualTo(200);
        assertThat(control("POST", "/_sandbox/webhooks/faults", "{\"delay_ms\":3000,\"count\":2}").statusCode())
                .isEqualTo(200);
        Map<String, Object> faults = json(control("POST", "/_sandbox/webhooks/faults", "{\"reorder\":3}"));
        assertThat((Map<String, Object>) faults.get("faults")).containsEntry("drop", 2).containsEntry("duplicate", 1)
                .containsEntry("reorder", 3).containsEntry("delay", List.of(Map.of("count", 2, "delay_ms", 3000)));
        Map<String, Object> cleared = json(control("POST", "/_sandbox/webhooks/faults", "{\"clear\":true}"));
        assertThat(cleared).containsEntry("paused", false).containsEntry("held", 0);
        assertThat((Map<String, Object>) cleared.get("faults")).containsEntry("drop", 0).containsEntry("duplicate", 0)
                .containsEntry("reorder", 0).containsEntry("delay", List.of());
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 1);
        Event delivered = Webhook.constructEvent(received.get(0)[0], received.get(0)[1], SECRET);
        assertThat(delivered.getId()).isEqualTo(forged);
        assertThat(delivered.getData().getPreviousAttributes()).isEqualTo(Map.of("name", "real"));

        control("POST", "/_sandbox/webhooks/pause", null);
        control("POST", "/_sandbox/webhooks/faults", "{\"duplicate\":1}");
        String second = (String) json(control("POST", "/_sandbox/webhooks/send",
                "{\"type\":\"invoice.paid\",\"object\":{\"id\":\"in_1\",\"object\":\"invoice\"}}")).get("id");
        assertThat(json(control("POST", "/_sandbox/webhooks/resume", null))).containsEntry("paused", false);
        await().atMost(Duration.ofSeconds(5)).until(() -> received.size() == 3);
        assertThat(receivedIds()).containsExactly(forged, second, second);

        List<Map<String, Object>> deliveries =
                (List<Map<String, Object>>) json(control("GET", "/_sandbox/webhooks/deliveries", null)).get("data");
        assertThat(deliveries).extracting(d -> d.get("event_id"), d -> d.get("status"), d -> d.get("dropped"))
                .containsExactly(tuple(realEvent, 200, false), tuple(forged, 200, false), tuple(second, 200, false),
                        tuple(second, 200, false));
        List<Map<String, Object>> requests =
                (List<Map<String, Object>>) json(control("GET", "/_sandbox/requests", null)).get("data");
        assertThat(requests).singleElement().satisfies(r -> assertThat(r)
                .containsEntry("method", "POST").containsEntry("path", "/v1/customers")
                .containsEntry("status", 200).containsEntry("idempotency_key", "create-real")
                .containsEntry("replayed", false));

        assertThat(control("POST", "/_sandbox/webhooks/send", null).statusCode()).isEqualTo(400);
        HttpResponse<String> notJson = control("POST", "/_sandbox/webhooks/send", "{not json");
        assertThat(notJson.statusCode()).isEqualTo(400);
        assertThat((Map<String, Object>) json(notJson).get("error")).containsEntry("type", "invalid_request_error");
        HttpResponse<String> noType = control("POST", "/_sandbox/webhooks/send", "{\"object\":{}}");
        assertThat(noType.statusCode()).isEqualTo(400);
        assertThat((Map<String, Object>) json(noType).get("error")).containsEntry("param", "type")
                .containsEntry("code", "parameter_missing");
        assertThat(control("POST", "/_sandbox/webhooks/faults", "{\"bogus\":1}").statusCode()).isEqualTo(400);
        assertThat(control("POST", "/_sandbox/webhooks/faults", "{\"drop\":-1}").statusCode()).isEqualTo(400);
        assertThat(control("GET", "/_sandbox/nope", null).statusCode()).isEqualTo(404);

        assertThat(sandbox.requests()).extracting(RecordedRequest::path).containsExactly("/v1/customers");
        assertThat((Map<String, Object>) json(control("GET", "/_sandbox/webhooks", null)).get("faults"))
                .containsEntry("drop", 0); // the rejected {"drop":-1} changed nothing
    }
}
