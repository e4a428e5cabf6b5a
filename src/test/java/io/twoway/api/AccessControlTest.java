package io.twoway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.twoway.testsupport.Http;
import io.twoway.testsupport.IntegrationTest;
import io.twoway.testsupport.LocalInfrastructure;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.test.context.TestPropertySource;

/**
 * Access control and abuse: every endpoint but the webhooks and {@code /actuator/health} asks for a token (Bearer, or
 * Basic with the token as the password, either of two during a rotation), a caller over its rate gets 429 with
 * {@code Retry-After}, and no secret (Stripe key, webhook secrets, API tokens, database password) shows in the log
 * or in any answer, on the failing paths too. The log is captured from this context's start.
 */
@ExtendWith(OutputCaptureExtension.class)
@TestPropertySource(properties = {
        "twoway.api.rate-limit=20",
        "spring.datasource.password=" + AccessControlTest.DB_PASSWORD,
        "camel.main.jmx-enabled=false"
})
class AccessControlTest extends IntegrationTest {

    static final String DB_PASSWORD = "db_password_not_to_be_seen_4711";

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static void assertUnauthorized(Http.Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(401);
        assertThat(reply.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm=\"twoway\""));
        assertThat(reply.json().path("status").asText()).isEqualTo("error");
        assertThat(reply.json().path("message").asText()).contains("Authorization: Bearer");
    }

    @Test
    void everyEndpointButTheWebhooksAndHealthAsksForAToken() throws Exception {
        Http anonymous = http().withoutToken();
        long customers = count("select count(*) from customers");
        assertUnauthorized(anonymous.post("/customers", "{\"name\":\"Mallory\",\"email\":\"mallory@example.com\"}"));
        assertThat(count("select count(*) from customers")).as("a refused request changes nothing").isEqualTo(customers);
        for (String path : List.of("/customers", "/customers/1", "/admin/conflicts", "/admin/reconciliation/reports", "/admin/webhooks", "/")) {
            assertUnauthorized(anonymous.get(path));
        }
        assertUnauthorized(http().withAuthorization("Bearer not-the-token-at-all-0000").get("/customers"));
        assertUnauthorized(http().withAuthorization(basic("ops", "not-the-token-at-all-0000")).get("/customers"));
        assertUnauthorized(http().withAuthorization("Basic %%%not-base64").get("/customers"));
        assertUnauthorized(http().withAuthorization("Token " + API_TOKEN).get("/customers"));

        assertThat(http().get("/customers?limit=1").status()).isEqualTo(200);
        assertThat(http().withAuthorization("bearer " + API_TOKEN_NEXT).get("/customers?limit=1").status()).as("the rotation's second token").isEqualTo(200);
        assertThat(http().withAuthorization(basic("any-user", API_TOKEN)).get("/customers?limit=1").status()).as("Basic, token as password").isEqualTo(200);

        Http managementAnonymous = management().withoutToken();
        assertThat(managementAnonymous.get("/actuator/health").status()).isEqualTo(200);
        assertThat(managementAnonymous.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertUnauthorized(managementAnonymous.get("/actuator/prometheus"));
        assertUnauthorized(managementAnonymous.get("/actuator/camelroutes"));
        assertThat(management().get("/actuator/prometheus").status()).isEqualTo(200);

        // the webhook endpoint takes no token: its Stripe signature decides
        Http.Reply webhook = anonymous.post("/webhooks/stripe", "{\"id\":\"evt_1\",\"type\":\"customer.created\",\"created\":1}");
        assertThat(webhook.status()).isEqualTo(400);
        assertThat(webhook.json().path("message").asText()).contains("signature");
    }

    @Test
    void aCallerOverItsRateIsAnswered429WithRetryAfterAndOthersAreNot() throws Exception {
        Thread.sleep(1100); // a fresh second for this caller
        List<Integer> statuses = new ArrayList<>();
        Http.Reply limited = null;
        for (int i = 0; i < 60; i++) {
            Http.Reply reply = http().get("/customers?limit=1");
            statuses.add(reply.status());
            if (reply.status() == 429 && limited == null) {
                limited = reply;
            }
        }
        assertThat(statuses).contains(200, 429).containsOnly(200, 429);
        assertThat(limited.headers().firstValue("Retry-After")).hasValue("1");
        assertThat(limited.json().path("message").asText()).contains("20 per second");
        assertThat(http().withAuthorization("Bearer " + API_TOKEN_NEXT).get("/customers?limit=1").status())
                .as("the limit is per token").isEqualTo(200);
        Thread.sleep(1100);
        assertThat(http().get("/customers?limit=1").status()).as("a second later").isEqualTo(200);
    }

    @Test
    void noSecretShowsInTheLogOrInAnyAnswer(CapturedOutput output) throws Exception {
        Thread.sleep(1100); // a fresh second under the rate limit
        List<String> answers = new ArrayList<>();
        Http anonymous = http().withoutToken();
        answers.add(anonymous.get("/customers").body());
        answers.add(http().withAuthorization("Bearer " + API_TOKEN + "x").get("/admin/conflicts").body());
        answers.add(anonymous.post("/webhooks/stripe", "{\"id\":\"evt_x\"}").body());
        answers.add(http().post("/customers", "{\"name\":\"Secretive\",\"email\":\"s-" + UUID.randomUUID() + "@example.com\"}").body());
        stripe.failNext("POST", "/v1/customers", 2, 500);
        answers.add(http().post("/customers", "{\"name\":\"Failing Once\",\"email\":\"f-" + UUID.randomUUID() + "@example.com\"}").body());
        answers.add(http().post("/customers", "{not json").body());
        answers.add(http().get("/admin/webhooks?limit=50").body());
        answers.add(http().get("/admin/catchup").body());
        answers.add(http().get("/").body());
        for (String path : List.of("/actuator/env", "/actuator/configprops", "/actuator/prometheus", "/actuator/health", "/actuator/camelroutes")) {
            Http.Reply reply = management().get(path);
            answers.add(reply.body());
            if (path.endsWith("env") || path.endsWith("configprops")) {
                assertThat(reply.status()).as(path + " is not exposed").isEqualTo(404);
            }
        }
        Thread.sleep(2000); // the failing Stripe call is retried and logged meanwhile

        List<String> secrets = List.of(LocalInfrastructure.SANDBOX_API_KEY, WEBHOOK_SECRET, WEBHOOK_SECRET_NEXT, API_TOKEN, API_TOKEN_NEXT, DB_PASSWORD);
        String log = output.getAll();
        assertThat(log).as("the captured log").contains("Started").contains("Authentication required", "Stripe 500");
        for (String secret : secrets) {
            assertThat(log).as("the log").doesNotContain(secret);
            for (String answer : answers) {
                assertThat(answer).as("an answer").doesNotContain(secret);
            }
        }
    }
}
