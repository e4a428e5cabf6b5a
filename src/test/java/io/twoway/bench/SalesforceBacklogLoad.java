package io.twoway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twoway.bench.ServiceLoad.Service;
import io.twoway.salesforce.ContactMapper;
import io.twoway.salesforcesandbox.RecordedRequest;
import io.twoway.salesforcesandbox.SalesforceSandbox;
import io.twoway.testsupport.LocalInfrastructure;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The benchmark's {@code salesforce} part: a backlog of changes to Salesforce and how the service jar drains it. The
 * Salesforce sandbox starts at its org's daily limit, so the service stages every change and sends nothing; the
 * changes are made through the REST API; then the limit is lifted and the drain is timed until the sandbox holds every
 * Contact in its final state. Two backlogs: creates of distinct customers, and edits of fewer customers (where staging
 * keeps only each customer's newest change). The figures: API calls per change (the sandbox's request log) and the
 * drain time. The Stripe integration is off, so that the figures are Salesforce's alone.
 */
final class SalesforceBacklogLoad {

    private static final int CLIENTS = 16;
    private static final int EDITS_PER_CUSTOMER = 5;
    private static final Duration TIMEOUT = Duration.ofMinutes(20);

    private final LocalInfrastructure infra;
    private final BenchSettings settings;
    private final FiguresTable table;
    private final SalesforceSandbox salesforce;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();

    SalesforceBacklogLoad(LocalInfrastructure infra, BenchSettings settings, FiguresTable table) {
        this.infra = infra;
        this.settings = settings;
        this.table = table;
        this.salesforce = infra.salesforce;
    }

    void run() throws Exception {
        if (infra.jdbcUrl == null) {
            throw new IllegalStateException("the salesforce part creates its own database on the embedded PostgreSQL: unset DATABASE_URL");
        }
        String database = "bench_salesforce_" + Long.toString(System.currentTimeMillis(), 36);
        String url = infra.jdbcUrl.replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
        try (Connection c = connect(infra.jdbcUrl); Statement s = c.createStatement()) {
            s.execute("create database " + database);
        }
        salesforce.reset();
        salesforce.setDailyLimit(10_000_000);
        salesforce.setUsage(10_000_000);
        Map<String, String> environment = Map.of("DATABASE_URL", url, "SALESFORCE_INTEGRATION_ENABLED", "true",
                "SALESFORCE_DAILY_API_BUDGET", "10000000", "SALESFORCE_BUDGET_CHECK_SECONDS", "1", "STRIPE_INTEGRATION_ENABLED", "false",
                "RECONCILIATION_ENABLED", "false", "EVENTS_CATCHUP_ENABLED", "false");
        Benchmark.progress("starting the service jar with Salesforce on database " + database);
        try (Service service = Service.start(ServiceLoad.serviceJar(), settings.serviceJvmOptions(), environment, infra,
                Path.of("target", "bench", "service-" + database + ".log"))) {
            String base = "http://127.0.0.1:" + service.port;
            await("the budget to stop", () -> "stopped".equals(salesforceStatus(base).at("/api_budget/state").asText()));
            int changes = settings.salesforceChanges();
            List<Long> ids = backlog(base, url, "creates", changes, () -> create(base));
            drain(base, url, String.format("%,d creates", changes), changes, ids.size());

            int customers = Math.max(1, changes / EDITS_PER_CUSTOMER);
            salesforce.setUsage(10_000_000);
            await("the budget to stop", () -> "stopped".equals(salesforceStatus(base).at("/api_budget/state").asText()));
            List<Long> edited = ids.subList(0, Math.min(customers, ids.size()));
            AtomicLong next = new AtomicLong();
            backlog(base, url, "edits", changes, () -> {
                long n = next.getAndIncrement();
                long id = edited.get((int) (n % edited.size()));
                return update(base, id, "Edited " + n);
            });
            drain(base, url, String.format("%,d edits of %,d customers", changes, edited.size()), changes, edited.size());
        }
    }

    /** Makes {@code changes} changes through the API while sending is stopped, and waits until all are staged. */
    private List<Long> backlog(String base, String url, String what, int changes, java.util.concurrent.Callable<Long> change) throws Exception {
        Benchmark.progress(String.format("making %,d %s through the API while the Salesforce budget is spent", changes, what));
        long started = System.nanoTime();
        List<Long> ids = new ArrayList<>();
        ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int i = 0; i < changes; i++) {
                results.add(pool.submit(change));
            }
            for (Future<Long> result : results) {
                ids.add(result.get());
            }
        } finally {
            pool.shutdown();
        }
        Benchmark.progress(String.format("%,d %s in %.1f s; waiting until every one is staged", changes, what, (System.nanoTime() - started) / 1e9));
        await("the changes to be staged", () -> stagedAll(url));
        return ids;
    }

    /** Lifts the limit and times the drain until nothing is staged and the sandbox holds every customer as the catalog does. */
    private void drain(String base, String url, String label, int changes, int records) throws Exception {
        salesforce.clearRequests();
        long released = System.nanoTime();
        salesforce.setUsage(0);
        await("the backlog to drain", () -> salesforceStatus(base).at("/outbound/staged").asLong() == 0 && inSalesforce(url));
        double seconds = (System.nanoTime() - released) / 1e9;
        List<RecordedRequest> requests = salesforce.requests();
        long writes = requests.stream().filter(r -> !r.method().equals("GET") && r.path().contains("/composite/")).count();
        long logins = requests.stream().filter(r -> r.path().endsWith("/oauth2/token")).count();
        long polls = requests.stream().filter(r -> r.method().equals("GET") && (r.path().endsWith("/query") || r.path().contains("/deleted"))).count();
        long limits = requests.stream().filter(r -> r.path().endsWith("/limits")).count();
        long deadLetters = count(url, "select count(*) from dead_letters");
        String section = "salesforce backlog, " + label;
        table.add(section, "API calls per change (sends)", String.format("%.4f", (double) writes / changes),
                String.format("target <= 0.01; %,d collections calls for %,d changes (%,d records after staging kept each customer's newest)",
                        writes, changes, records));
        table.add(section, "API calls per change (all)", String.format("%.4f", (double) (writes + polls) / changes),
                String.format("with the poller's %d reads during the drain; plus %d /limits checks (not counted by Salesforce) and %d logins",
                        polls, limits, logins));
        table.add(section, "drain time", String.format("%.1f s", seconds),
                String.format("%,.0f records/s from the limit lifted to the last Contact in its final state; dead letters %d", records / seconds,
                        deadLetters));
        if (deadLetters > 0) {
            throw new IllegalStateException(deadLetters + " changes were dead-lettered");
        }
    }

    /** True once every change the API made is staged (or already sent): the consumer has read them all. */
    private boolean stagedAll(String url) throws SQLException {
        return count(url, """
                select count(*) from customers c
                where not exists (select 1 from integration_outbound o where o.customer_id = c.id and o.version = c.version)
                  and not exists (select 1 from sync_state s where s.customer_id = c.id and s.system = 'salesforce' and s.applied_version >= c.version)
                """) == 0;
    }

    /** True when the sandbox holds every customer's name and email as the catalog does. */
    private boolean inSalesforce(String url) throws SQLException {
        try (Connection c = connect(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select id, name, email from customers")) {
            while (rs.next()) {
                var contact = salesforce.contactByExternalId(Long.toString(rs.getLong(1))).orElse(null);
                String[] name = ContactMapper.split(rs.getString(2));
                if (contact == null || contact.isDeleted() || !rs.getString(3).equals(contact.get("Email"))
                        || !java.util.Objects.equals(name[0], contact.get("FirstName")) || !name[1].equals(contact.get("LastName"))) {
                    return false;
                }
            }
        }
        return true;
    }

    private long create(String base) throws Exception {
        String body = "{\"name\":\"Backlog " + System.nanoTime() + "\",\"email\":\"backlog-" + java.util.UUID.randomUUID() + "@example.com\"}";
        JsonNode answer = send(HttpRequest.newBuilder(URI.create(base + "/customers")).POST(HttpRequest.BodyPublishers.ofString(body)), 201);
        return answer.at("/data/id").asLong();
    }

    private long update(String base, long id, String name) throws Exception {
        send(HttpRequest.newBuilder(URI.create(base + "/customers/" + id)).PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\"}")), 200);
        return id;
    }

    private JsonNode send(HttpRequest.Builder request, int expected) throws Exception {
        HttpResponse<String> answer = http.send(request.header("Authorization", "Bearer " + ServiceLoad.API_TOKEN)
                .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30)).build(), HttpResponse.BodyHandlers.ofString());
        if (answer.statusCode() != expected) {
            throw new IllegalStateException("the API answered " + answer.statusCode() + ": " + answer.body());
        }
        return json.readTree(answer.body());
    }

    private JsonNode salesforceStatus(String base) throws Exception {
        for (JsonNode integration : send(HttpRequest.newBuilder(URI.create(base + "/admin/integrations/status")).GET(), 200).path("data")) {
            if ("salesforce".equals(integration.path("name").asText())) {
                return integration;
            }
        }
        throw new IllegalStateException("no salesforce integration in the status");
    }

    private interface Check {
        boolean met() throws Exception;
    }

    private static void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (!check.met()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("gave up waiting for " + what + " after " + TIMEOUT.toMinutes() + " min");
            }
            Thread.sleep(200);
        }
    }

    private long count(String url, String sql) throws SQLException {
        try (Connection c = connect(url); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private Connection connect(String url) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", infra.dbUser);
        p.setProperty("password", infra.dbPassword);
        return DriverManager.getConnection(url, p);
    }
}
