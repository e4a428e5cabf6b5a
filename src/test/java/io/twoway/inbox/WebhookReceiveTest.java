package io.twoway.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.twoway.testsupport.Http;
import io.twoway.testsupport.IntegrationTest;
import io.twoway.testsupport.StripeEvents;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.datasource.DataSourceUtils;

/** POST /webhooks/stripe: every signature case, bad bodies, the size limit and a database outage; nothing bad is stored. */
class WebhookReceiveTest extends IntegrationTest {

    @Autowired
    private DataSource dataSource;

    private StripeEvents events() {
        return new StripeEvents(http(), WEBHOOK_SECRET);
    }

    private static String body() {
        return StripeEvents.event("customer.created", StripeEvents.customer("cus_sig" + UUID.randomUUID().toString().substring(0, 8), "Sig",
                "sig-" + UUID.randomUUID() + "@example.com", null), null, Instant.now().getEpochSecond(), null);
    }

    private static String sign(String body, String secret, long t) {
        return WebhookSignature.sign(t, body.getBytes(StandardCharsets.UTF_8), secret);
    }

    private long stored(String body) {
        return count("select count(*) from webhook_events where id = ?", StripeEvents.idOf(body));
    }

    private void assertRefused(String body, String header, String reason) {
        Http.Reply reply = events().post(body, header);
        assertThat(reply.status()).as(reason).isEqualTo(400);
        assertThat(reply.json().path("status").asText()).isEqualTo("error");
        assertThat(reply.json().path("message").asText()).contains(reason);
        assertThat(reply.body()).doesNotContain(WEBHOOK_SECRET);
        assertThat(stored(body)).isZero();
    }

    @Test
    void aGoodSignatureIsAcceptedAndStored() {
        String body = body();
        Http.Reply reply = events().post(body, sign(body, WEBHOOK_SECRET, Instant.now().getEpochSecond()));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.json().path("data").path("event_id").asText()).isEqualTo(StripeEvents.idOf(body));
        Map<String, Object> row = jdbc.queryForMap("select type, created, object_id, received_at from webhook_events where id = ?", StripeEvents.idOf(body));
        assertThat(row).containsEntry("type", "customer.created");
        assertThat(row.get("object_id").toString()).startsWith("cus_sig");
    }

    @Test
    void bothSecretsOfARotationPassAndAnyV1EntryMayMatch() {
        String body = body();
        assertThat(events().post(body, sign(body, WEBHOOK_SECRET_NEXT, Instant.now().getEpochSecond())).status()).isEqualTo(200);
        String other = body();
        long t = Instant.now().getEpochSecond();
        String wrongThenRight = sign(other, "whsec_unknown", t) + ",v1=" + sign(other, WEBHOOK_SECRET, t).split("v1=")[1];
        assertThat(events().post(other, wrongThenRight).status()).isEqualTo(200);
        assertThat(stored(body) + stored(other)).isEqualTo(2);
    }

    @Test
    void badSignaturesAreRefusedAndNothingIsStored() {
        long now = Instant.now().getEpochSecond();
        String body = body();
        assertRefused(body, sign(body, "whsec_wrong", now), "no v1 signature matches");
        assertRefused(body, null, "missing Stripe-Signature");
        assertRefused(body.replace("\"Sig\"", "\"Tampered\""), sign(body, WEBHOOK_SECRET, now), "no v1 signature matches");
        assertRefused(body, "garbage", "malformed");
        assertRefused(body, "t=abc,v1=00", "malformed");
        assertRefused(body, "t=" + now, "malformed");
        assertRefused(body, "t=" + now + ",v1=zz", "malformed");
        assertRefused(body, sign(body, WEBHOOK_SECRET, now - 301), "over the 300 s tolerance");
    }

    @Test
    void aSignedBodyThatIsNotAStripeEventGets400() {
        long now = Instant.now().getEpochSecond();
        Http.Reply notJson = events().post("{not json", sign("{not json", WEBHOOK_SECRET, now));
        assertThat(notJson.status()).isEqualTo(400);
        assertThat(notJson.json().path("message").asText()).contains("not JSON");
        Http.Reply noId = events().post("{\"type\":\"customer.created\"}", sign("{\"type\":\"customer.created\"}", WEBHOOK_SECRET, now));
        assertThat(noId.status()).isEqualTo(400);
        assertThat(noId.json().path("message").asText()).contains("not a Stripe event");
        String longId = "{\"id\":\"evt_" + "x".repeat(300) + "\",\"type\":\"customer.created\",\"created\":1}";
        assertThat(events().post(longId, sign(longId, WEBHOOK_SECRET, now)).status()).as("never a 5xx for its content").isEqualTo(400);
        assertThat(http().get("/webhooks/stripe").status()).isEqualTo(405);
    }

    @Test
    void theSignatureIsCheckedOnTheRawBytesOfANonAsciiBody() {
        String body = StripeEvents.event("customer.created", StripeEvents.customer("cus_utf" + UUID.randomUUID().toString().substring(0, 8),
                "Zoë Ångström ☃ 日本", "zoe-" + UUID.randomUUID() + "@example.com", null), null, Instant.now().getEpochSecond(), null);
        assertThat(events().post(body).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from customers where name = 'Zoë Ångström ☃ 日本'") == 1);
    }

    @Test
    void aNulCharacterThatPostgresCannotStoreIsDroppedNotAnsweredWith5xx() {
        String stripeId = "cus_nul" + UUID.randomUUID().toString().substring(0, 8);
        String body = StripeEvents.event("customer.created", StripeEvents.customer(stripeId, "Nul\u0000Name",
                "nul-" + UUID.randomUUID() + "@example.com", null), null, Instant.now().getEpochSecond(), null);
        assertThat(body).contains("\\u0000");
        assertThat(events().post(body).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> count("select count(*) from customers where stripe_customer_id = ? and name = 'NulName'", stripeId) == 1);
    }

    @Test
    void aFormEncodedBodyGets400InTheEnvelope() {
        Http.Reply reply = http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(http().base() + "/webhooks/stripe"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(java.net.http.HttpRequest.BodyPublishers.ofString("{}")));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.json().path("message").asText()).contains("application/json");
        Http.Reply customers = http().send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(http().base() + "/customers"))
                .header("Content-Type", "application/x-www-form-urlencoded").POST(java.net.http.HttpRequest.BodyPublishers.ofString("name=x")));
        assertThat(customers.status()).isEqualTo(400);
    }

    @Test
    void aBodyOverOneMegabyteGets413() {
        String big = "{\"id\":\"evt_big\",\"pad\":\"" + "x".repeat(1024 * 1024) + "\"}";
        Http.Reply reply = events().post(big, sign(big, WEBHOOK_SECRET, Instant.now().getEpochSecond()));
        assertThat(reply.status()).isEqualTo(413);
        assertThat(count("select count(*) from webhook_events where id = 'evt_big'")).isZero();
        // a large event within the limit (more than the 64 KB of the customer API) is fine
        String large = StripeEvents.event("invoice.created", Map.of("id", "in_large", "object", "invoice", "memo", "y".repeat(200_000)), null,
                Instant.now().getEpochSecond(), null);
        assertThat(events().post(large).status()).isEqualTo(200);
    }

    @Test
    void theDatabaseDownGets503AndTheRetryIsStoredOnceItIsBack() throws Exception {
        String body = body();
        String url = DataSourceUtils.getConnection(dataSource).getMetaData().getURL();
        String user = jdbc.queryForObject("select current_user", String.class);
        String database = jdbc.queryForObject("select current_database()", String.class);
        // a session of its own on another database: it closes Twoway's database to new connections and ends the others
        String adminUrl = url.replaceFirst("/" + database + "(\\?|$)", "/template1$1");
        try (Connection admin = DriverManager.getConnection(adminUrl, user, "postgres"); Statement sql = admin.createStatement()) {
            try {
                sql.execute("alter database \"" + database + "\" allow_connections false");
                sql.execute("select pg_terminate_backend(pid) from pg_stat_activity where datname = '" + database + "'");
                Http.Reply reply = events().post(body);
                assertThat(reply.status()).isEqualTo(503);
                assertThat(reply.json().path("message").asText()).contains("database is unavailable");
            } finally {
                sql.execute("alter database \"" + database + "\" allow_connections true");
            }
        }
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> events().post(body).status() == 200);
        await().atMost(Duration.ofSeconds(30)).until(() -> "applied".equals(
                jdbc.queryForObject("select status from webhook_events where id = ?", String.class, StripeEvents.idOf(body))));
    }
}
