package io.twoway.reconcile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.twoway.sandbox.StripeSandbox.SeedCustomer;
import io.twoway.testsupport.Http;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Backfill: a Stripe account that already holds customers (seeded in the sandbox: no events, no webhooks) is
 * imported once: linked by metadata or by email where the local catalog has them, created otherwise, an email
 * collision left as a conflict; and a backfill stopped, or abandoned by its instance, resumes from its cursor.
 */
class BackfillTest extends ReconcileIntegrationTest {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final long LONG_AGO = Instant.parse("2025-01-01T00:00:00Z").getEpochSecond();

    @AfterEach
    void noBackfillLeftRunning() {
        http().delete("/admin/backfill");
        await().atMost(WAIT).until(() -> count("select count(*) from backfill_runs where status = 'running'") == 0);
        stripe.clearFaults();
    }

    private static String email() {
        return "bf-" + UUID.randomUUID() + "@example.com";
    }

    private JsonNode status() {
        Http.Reply reply = http().get("/admin/backfill");
        assertThat(reply.status()).isEqualTo(200);
        return reply.json().path("data");
    }

    private long start() {
        Http.Reply started = http().post("/admin/backfill", "");
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        return started.json().path("data").path("id").asLong();
    }

    private void awaitCompleted(long id) {
        await().atMost(WAIT).until(() -> status().path("id").asLong() == id && "completed".equals(status().path("status").asText()));
    }

    private Map<String, Object> localOf(String stripeId) {
        return jdbc.queryForMap("select id, name, email, origin, is_active from customers where stripe_customer_id = ?", stripeId);
    }

    @Test
    void importsLinksByMetadataAndByEmailAndLeavesACollisionAsAConflict() {
        String sharedEmail = email();
        long byEmail = count("insert into customers (name, email) values ('Local Ada', ?) returning id", sharedEmail);
        long byMetadata = count("insert into customers (name, email) values ('Local Grace', ?) returning id", email());
        long linkedHolder = count("insert into customers (name, email, stripe_customer_id) values ('Holder', ?, 'cus_HolderElsewhere') returning id", email());
        String takenEmail = jdbc.queryForObject("select email from customers where id = ?", String.class, linkedHolder);
        String newEmail = email();
        List<String> ids = stripe.seedCustomers(List.of(
                new SeedCustomer("Stripe Ada", sharedEmail, Map.of(), LONG_AGO),
                new SeedCustomer("Stripe Grace", email(), Map.of("twoway_customer_id", String.valueOf(byMetadata)), LONG_AGO),
                new SeedCustomer("Stripe New", newEmail, Map.of(), LONG_AGO),
                new SeedCustomer("Stripe Taken", takenEmail, Map.of(), LONG_AGO),
                new SeedCustomer("Nameless", null, Map.of(), LONG_AGO)));
        long outboxBefore = count("select count(*) from outbox_events");

        long run = start();
        awaitCompleted(run);
        assertThat(jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, byEmail)).isEqualTo(ids.get(0));
        assertThat(jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, byMetadata)).isEqualTo(ids.get(1));
        assertThat(localOf(ids.get(2))).containsEntry("name", "Stripe New").containsEntry("email", newEmail).containsEntry("origin", "stripe");
        assertThat(count("select count(*) from customers where stripe_customer_id = ?", ids.get(3))).isZero();
        assertThat(count("select count(*) from conflicts where external_id = ? and type = 'email_collision' and status = 'open'", ids.get(3))).isEqualTo(1);
        assertThat(count("select count(*) from customers where stripe_customer_id = ?", ids.get(4))).isZero();
        assertThat(count("select count(*) from outbox_events")).as("imports from Stripe are not sent back").isEqualTo(outboxBefore);
        assertThat(jdbc.queryForObject("select name from customers where id = ?", String.class, byEmail))
                .as("a link changes neither side; reconciliation shows the difference").isEqualTo("Local Ada");

        JsonNode counts = status().path("counts");
        assertThat(counts.path("linked_by_email").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(counts.path("linked_by_metadata").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(counts.path("created").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(counts.path("email_conflicts").asLong()).isGreaterThanOrEqualTo(1);
        assertThat(counts.path("skipped_no_email").asLong()).isGreaterThanOrEqualTo(1);

        long again = start();
        awaitCompleted(again);
        assertThat(count("select count(*) from customers where stripe_customer_id = ?", ids.get(2))).as("imported once").isEqualTo(1);
        assertThat(status().path("counts").path("created").asLong()).as("a second backfill finds them all linked").isZero();
    }

    @Test
    void aStoppedBackfillResumesFromItsCursorAndASecondOneIsRefused() {
        List<SeedCustomer> seeds = new ArrayList<>();
        for (int i = 0; i < 450; i++) {
            seeds.add(new SeedCustomer("Bulk " + i, email(), Map.of(), LONG_AGO));
        }
        List<String> ids = stripe.seedCustomers(seeds);
        stripe.delayNext("GET", "/v1/customers", 3, Duration.ofMillis(700));

        long run = start();
        Http.Reply second = http().post("/admin/backfill", "");
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.json().path("data").path("running_backfill_id").asLong()).isEqualTo(run);
        await().atMost(WAIT).until(() -> !status().path("cursor").isNull());
        Http.Reply stopped = http().delete("/admin/backfill");
        assertThat(stopped.status()).isEqualTo(200);
        await().atMost(WAIT).until(() -> "stopped".equals(status().path("status").asText()));
        String cursor = status().path("cursor").asText();
        long importedAtStop = ids.stream().filter(id -> count("select count(*) from customers where stripe_customer_id = ?", id) == 1).count();
        assertThat(importedAtStop).as("stopped part-way").isLessThan(ids.size());
        assertThat(http().delete("/admin/backfill").status()).as("nothing left to stop").isEqualTo(409);
        assertThat(http().post("/admin/backfill?restart=maybe", "").status()).isEqualTo(400);

        Instant resumed = Instant.now();
        Http.Reply resume = http().post("/admin/backfill", "");
        assertThat(resume.status()).isEqualTo(202);
        assertThat(resume.json().path("data").path("id").asLong()).as("the same run, resumed").isEqualTo(run);
        assertThat(resume.json().path("message").asText()).contains("resumed after " + cursor);
        awaitCompleted(run);
        assertThat(stripe.requests().stream().filter(r -> !r.at().isBefore(resumed) && r.path().equals("/v1/customers")).findFirst().orElseThrow()
                .query()).containsEntry("starting_after", cursor);
        for (String id : ids) {
            assertThat(count("select count(*) from customers where stripe_customer_id = ?", id)).as(id).isEqualTo(1);
        }
    }

    @Test
    void aBackfillAbandonedByItsInstanceIsTakenOver() {
        List<SeedCustomer> seeds = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            seeds.add(new SeedCustomer("Orphan " + i, email(), Map.of(), LONG_AGO));
        }
        List<String> ids = stripe.seedCustomers(seeds);
        stripe.delayNext("GET", "/v1/customers", 2, Duration.ofMillis(700));
        long run = start();
        await().atMost(WAIT).until(() -> !status().path("cursor").isNull());
        http().delete("/admin/backfill");
        await().atMost(WAIT).until(() -> "stopped".equals(status().path("status").asText()));
        // as an instance that died mid-run leaves it: running, its heartbeat long silent
        jdbc.update("update backfill_runs set status = 'running', finished_at = null, heartbeat_at = now() - interval '1 hour' where id = ?", run);

        awaitCompleted(run);
        for (String id : ids) {
            assertThat(count("select count(*) from customers where stripe_customer_id = ?", id)).as(id).isEqualTo(1);
        }
    }
}
