package io.twoway.customer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.twoway.testsupport.Http;
import io.twoway.testsupport.IntegrationTest;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Customer catalog REST API: the success paths, and every bad input answered clearly with nothing written. */
class CustomerApiTest extends IntegrationTest {

    private static String email() {
        return "c-" + UUID.randomUUID() + "@example.com";
    }

    @Test
    void createGetUpdateListDelete() {
        String email = email();
        Http.Reply created = http().post("/customers", "{\"name\":\"Ada Lovelace\",\"email\":\"" + email + "\"}");
        assertThat(created.status()).isEqualTo(201);
        JsonNode body = created.json();
        assertThat(body.path("status").asText()).isEqualTo("success");
        assertThat(body.path("message").asText()).isEqualTo("Customer created successfully");
        JsonNode data = body.path("data");
        long id = data.path("id").asLong();
        assertThat(data.path("name").asText()).isEqualTo("Ada Lovelace");
        assertThat(data.path("email").asText()).isEqualTo(email);
        assertThat(data.path("is_active").asBoolean()).isTrue();
        assertThat(data.has("stripe_customer_id")).isTrue();
        assertThat(data.path("created_at").asText()).isNotBlank();
        assertThat(created.headers().firstValue("X-Correlation-Id")).isPresent();
        assertThat(count("select count(*) from outbox_events where aggregate_id = ? and event_type = 'CustomerCreated'", String.valueOf(id))).isEqualTo(1);

        assertThat(http().get("/customers/" + id).json().path("data").path("email").asText()).isEqualTo(email);
        assertThat(http().get("/customers/" + id + "/").status()).isEqualTo(200);

        Http.Reply updated = http().put("/customers/" + id, "{\"name\":\"Ada King\"}");
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().path("data").path("name").asText()).isEqualTo("Ada King");
        assertThat(updated.json().path("data").path("email").asText()).isEqualTo(email);
        assertThat(updated.json().path("data").path("version").asLong()).isEqualTo(2);

        Http.Reply list = http().get("/customers/?skip=0&limit=1000");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().path("data").findValuesAsText("email")).contains(email);

        Http.Reply deleted = http().delete("/customers/" + id);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.json().path("message").asText()).isEqualTo("Customer deleted successfully");
        assertThat(deleted.json().path("data").path("customer_id").asLong()).isEqualTo(id);
        assertThat(deleted.json().path("data").path("deleted").asBoolean()).isTrue();
        assertThat(http().get("/customers/" + id).status()).isEqualTo(404);
        assertThat(count("select count(*) from customers where id = ? and not is_active", id)).isEqualTo(1);
        assertThat(count("select count(*) from outbox_events where aggregate_id = ?", String.valueOf(id))).isEqualTo(3);

        // the email is free again once its customer is deleted
        assertThat(http().post("/customers", "{\"name\":\"Ada again\",\"email\":\"" + email + "\"}").status()).isEqualTo(201);
    }

    @Test
    void updateThatChangesNothingWritesNothing() {
        String email = email();
        long id = http().createCustomer("Same", email);
        long events = count("select count(*) from outbox_events where aggregate_id = ?", String.valueOf(id));
        Http.Reply reply = http().put("/customers/" + id, "{\"name\":\"Same\",\"email\":\"" + email + "\"}");
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("data").path("version").asLong()).isEqualTo(1);
        assertThat(count("select count(*) from outbox_events where aggregate_id = ?", String.valueOf(id))).isEqualTo(events);
    }

    @Test
    void badCreateInputsAreRejectedAndWriteNothing() {
        String taken = email();
        http().createCustomer("Taken", taken);
        String longName = "x".repeat(256);

        rejected(400, () -> http().post("/customers", "{\"name\":\"A\",\"email\":"));
        rejected(400, () -> http().post("/customers", "[1,2]"));
        rejected(400, () -> http().post("/customers", ""));
        rejected(400, () -> http().send(HttpRequest.newBuilder(uri("/customers")).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"A\",\"email\":\"" + email() + "\"}"))));
        assertField(rejected(422, () -> http().post("/customers", "{\"email\":\"" + email() + "\"}")), "name");
        assertField(rejected(422, () -> http().post("/customers", "{\"name\":\"   \",\"email\":\"" + email() + "\"}")), "name");
        assertField(rejected(422, () -> http().post("/customers", "{\"name\":\"" + longName + "\",\"email\":\"" + email() + "\"}")), "name");
        assertField(rejected(422, () -> http().post("/customers", "{\"name\":\"A\"}")), "email");
        assertField(rejected(422, () -> http().post("/customers", "{\"name\":\"A\",\"email\":\"not-an-email\"}")), "email");
        assertField(rejected(422, () -> http().post("/customers", "{\"name\":42,\"email\":\"" + email() + "\"}")), "name");
        assertField(rejected(422, () -> http().post("/customers", "{\"name\":\"A\",\"email\":\"" + email() + "\",\"is_active\":false}")), "is_active");
        assertField(rejected(409, () -> http().post("/customers", "{\"name\":\"B\",\"email\":\"" + taken.toUpperCase() + "\"}")), "email");
        rejected(413, () -> http().post("/customers", "{\"name\":\"" + "y".repeat(70_000) + "\",\"email\":\"" + email() + "\"}"));
        rejected(413, () -> http().send(HttpRequest.newBuilder(uri("/customers")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + "z".repeat(70_000) + "\"}")))));
    }

    @Test
    void badUpdateDeleteAndQueryInputs() {
        String taken = email();
        http().createCustomer("Other", taken);
        long id = http().createCustomer("Me", email());

        assertField(rejected(409, () -> http().put("/customers/" + id, "{\"email\":\"" + taken + "\"}")), "email");
        assertField(rejected(422, () -> http().put("/customers/" + id, "{\"name\":\"\"}")), "name");
        assertField(rejected(422, () -> http().put("/customers/" + id, "{\"email\":null}")), "email");
        rejected(400, () -> http().put("/customers/" + id, "{oops"));
        rejected(404, () -> http().put("/customers/999999999", "{\"name\":\"Nobody\"}"));
        rejected(404, () -> http().delete("/customers/999999999"));
        rejected(404, () -> http().get("/customers/999999999"));
        rejected(400, () -> http().get("/customers/abc"));
        for (String query : new String[] {"skip=-1", "limit=-5", "limit=0", "limit=1001", "skip=abc", "limit=ten"}) {
            rejected(400, () -> http().get("/customers?" + query));
        }
        Http.Reply method = rejected(405, () -> http().send(HttpRequest.newBuilder(uri("/customers/" + id)).method("PATCH",
                HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json")));
        assertThat(method.json().path("status").asText()).isEqualTo("error");
        assertThat(http().get("/customers/" + id).json().path("data").path("name").asText()).isEqualTo("Me");
    }

    @Test
    void answersCarryTheCorrelationIdButNotTheRequestsHeadersOrQuery() {
        long id = http().createCustomer("Headers", email());
        Http.Reply reply = http().send(HttpRequest.newBuilder(uri("/customers/" + id + "?token=secret-query"))
                .header("X-Correlation-Id", "trace-42").header("X-Private", "secret-header").GET());
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.headers().firstValue("X-Correlation-Id")).contains("trace-42");
        assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(type -> assertThat(type).startsWith("application/json"));
        assertThat(reply.headers().map().toString()).doesNotContain("secret-header").doesNotContain("secret-query");
        // a malformed correlation id is replaced, not echoed
        Http.Reply replaced = http().send(HttpRequest.newBuilder(uri("/customers/" + id)).header("X-Correlation-Id", "bad id!").GET());
        assertThat(replaced.headers().firstValue("X-Correlation-Id")).hasValueSatisfying(v -> assertThat(v).isNotEqualTo("bad id!"));
    }

    @Test
    void managementEndpointsAreOnTheirOwnPort() {
        assertThat(management().get("/actuator/health").status()).isEqualTo(200);
        assertThat(http().get("/actuator/health").status()).isEqualTo(404);
    }

    @Test
    void rootDescribesTheService() {
        Http.Reply root = http().get("/");
        assertThat(root.status()).isEqualTo(200);
        assertThat(root.json().path("service").asText()).isEqualTo("twoway");
        assertThat(root.json().path("status").asText()).isEqualTo("running");
        assertThat(root.json().path("version").asText()).isNotBlank();
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    /** Sends the request and checks the status, the error envelope, and that no customer or outbox row appeared. */
    private Http.Reply rejected(int status, Supplier<Http.Reply> request) {
        long customers = count("select count(*) from customers");
        long events = count("select count(*) from outbox_events");
        Http.Reply reply = request.get();
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        JsonNode body = reply.json();
        assertThat(body.path("status").asText()).isEqualTo("error");
        assertThat(body.path("message").asText()).isNotBlank();
        assertThat(body.path("errors").isArray()).isTrue();
        assertThat(count("select count(*) from customers")).isEqualTo(customers);
        assertThat(count("select count(*) from outbox_events")).isEqualTo(events);
        return reply;
    }

    private static void assertField(Http.Reply reply, String field) {
        assertThat(reply.json().path("errors").findValuesAsText("field")).contains(field);
    }
}
