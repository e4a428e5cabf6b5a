package io.twoway.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twoway.bench.ServiceLoad.Service;
import io.twoway.sandbox.RecordedRequest;
import io.twoway.sandbox.StripeSandbox.SeedCustomer;
import io.twoway.stripe.StripeGateway;
import io.twoway.testsupport.LocalInfrastructure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** The benchmark's {@code reconcile} part: one full reconciliation run of the service jar over seeded customers. */
final class ReconcileLoad {

    private static final int STRIPE_RATE_LIMIT = 25;
    private static final int MAX_BROKEN_LINKS = 20;
    private static final int GRACE_SECONDS = 60;
    private static final int BATCH = 1000;
    private static final long POLL_MS = 500;
    private static final Duration RUN_TIMEOUT = Duration.ofMinutes(30);
    private static final List<String> CPU_ORDER = List.of("service", "postgres", "bench-jvm");

    /** A planted mismatch as the report names it: its kind and, for a field mismatch, the field. */
    private enum Plant {
        NAME("field_mismatch", "name"), ACTIVE("field_mismatch", "active"), MISSING_REMOTE("missing_remote", null),
        MISSING_LOCAL("missing_local", null), BROKEN_LINK("broken_link", null);

        final String label;

        Plant(String kind, String field) {
            this.label = label(kind, field);
        }
    }

    /** One poll during the run: seconds since the trigger, and the report's phase and processed count. */
    private record Sample(double seconds, String phase, long processed) {}

    private final LocalInfrastructure infra;
    private final BenchSettings settings;
    private final FiguresTable table;
    private final String section;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ObjectMapper json = new ObjectMapper();
    /** What was planted, by label: "customer {id}", or the Stripe id of a customer with no local row. */
    private final Map<String, Set<String>> planted = new LinkedHashMap<>();

    ReconcileLoad(LocalInfrastructure infra, BenchSettings settings, FiguresTable table) {
        this.infra = infra;
        this.settings = settings;
        this.table = table;
        this.section = String.format("reconcile %,d customers", settings.reconcileCustomers());
    }

    /** A fresh database, the sandbox emptied and limited to 25/s, both sides seeded, then one run measured. */
    void run() throws Exception {
        int customers = settings.reconcileCustomers();
        if (infra.jdbcUrl == null) {
            throw new IllegalStateException("the reconcile part creates its own database on the embedded PostgreSQL: unset DATABASE_URL");
        }
        if (settings.reconcilePlanted() > customers / 2) {
            throw new IllegalArgumentException("bench.reconcile.planted must be at most half of bench.reconcile.customers");
        }
        String database = "bench_reconcile_" + Long.toString(System.currentTimeMillis(), 36);
        String url = infra.jdbcUrl.replaceFirst("^(jdbc:postgresql://[^/]+/)[^?]*", "$1" + database);
        try (Connection c = connect(infra.jdbcUrl); Statement s = c.createStatement()) {
            s.execute("create database " + database);
        }
        infra.stripe.reset(); // customers and requests of earlier parts do not count
        infra.stripe.rateLimit(STRIPE_RATE_LIMIT);
        Map<String, String> environment = Map.of("DATABASE_URL", url, "RECONCILIATION_ENABLED", "false", "EVENTS_CATCHUP_ENABLED", "false",
                "RECONCILIATION_GRACE_SECONDS", String.valueOf(GRACE_SECONDS), "STRIPE_RATE_LIMIT", String.valueOf(STRIPE_RATE_LIMIT));
        Benchmark.progress("starting the service jar on database " + database + (settings.serviceJvmOptions().isEmpty() ? ""
                : " with " + String.join(" ", settings.serviceJvmOptions())));
        try (Service service = Service.start(ServiceLoad.serviceJar(), settings.serviceJvmOptions(), environment, infra,
                Path.of("target", "bench", "service-" + database + ".log"))) {
            seed(url, customers);
            measure(service, url);
        }
    }

    /**
     * Local ids 1..n, each linked to a Stripe twin that carries its id in the metadata, all agreed an hour ago, except
     * where a mismatch is planted: a name Stripe holds differently, a customer deleted locally and live in Stripe, one
     * never sent to Stripe, one linked to an id Stripe does not know, and Stripe customers with no local row.
     */
    private void seed(String url, int n) throws SQLException {
        Map<Plant, Integer> counts = plantedCounts(settings.reconcilePlanted());
        counts.keySet().forEach(p -> planted.put(p.label, new TreeSet<>()));
        Plant[] plantAt = spread(counts, n);
        int stripeOnly = counts.get(Plant.MISSING_LOCAL);
        long created = Instant.now().minus(Duration.ofDays(90)).getEpochSecond();
        List<SeedCustomer> seeds = new ArrayList<>();
        List<Integer> owners = new ArrayList<>(); // the local id of each seed, 0 for one with no local row
        for (int id = 1, only = 0; id <= n; id++) {
            for (; only < stripeOnly && (only + 0.5) * n / stripeOnly < id; only++) {
                seeds.add(new SeedCustomer("Stripe Only " + only, "stripe-only-" + only + "@example.com", Map.of(), created + seeds.size()));
                owners.add(0);
            }
            Plant plant = plantAt[id];
            if (plant != null) {
                planted.get(plant.label).add("customer " + id);
            }
            if (plant != Plant.MISSING_REMOTE && plant != Plant.BROKEN_LINK) {
                seeds.add(new SeedCustomer(plant == Plant.NAME ? "Renamed In Stripe " + id : name(id), email(id),
                        Map.of(StripeGateway.LOCAL_ID_METADATA, String.valueOf(id)), created + seeds.size()));
                owners.add(id);
            }
        }
        long start = System.nanoTime();
        List<String> stripeIds = infra.stripe.seedCustomers(seeds);
        double sandboxSeconds = (System.nanoTime() - start) / 1e9;
        String[] stripeIdOf = new String[n + 1];
        for (int i = 0; i < seeds.size(); i++) {
            if (owners.get(i) == 0) {
                planted.get(Plant.MISSING_LOCAL.label).add(stripeIds.get(i));
            } else {
                stripeIdOf[owners.get(i)] = stripeIds.get(i);
            }
        }
        start = System.nanoTime();
        insertLocal(url, n, plantAt, stripeIdOf);
        double localSeconds = (System.nanoTime() - start) / 1e9;
        Benchmark.progress(String.format("seeded %,d Stripe customers in %.1f s and %,d local ones in %.1f s; planted %s", seeds.size(),
                sandboxSeconds, n, localSeconds, counts));
        table.add(section, "seeding", String.format("%.1f s", sandboxSeconds + localSeconds), String.format(
                "sandbox %,d customers in %.1f s (seedCustomers); local %,d customers + sync_state in %.1f s (batched JDBC, then analyze)",
                seeds.size(), sandboxSeconds, n, localSeconds));
    }

    /** The customers and their agreed state, batched in one transaction; no outbox rows, so the service has nothing to sync. */
    private void insertLocal(String url, int n, Plant[] plantAt, String[] stripeIdOf) throws SQLException {
        try (Connection c = connect(url)) {
            c.setAutoCommit(false);
            try (PreparedStatement customer = c.prepareStatement("""
                    insert into customers (id, name, email, stripe_customer_id, is_active, version, created_at, updated_at)
                    values (?, ?, ?, ?, ?, ?, now() - interval '1 hour', now() - interval '1 hour')""");
                 PreparedStatement agreed = c.prepareStatement("""
                         insert into sync_state (customer_id, system, external_id, applied_version, name, email, deleted)
                         values (?, 'stripe', ?, 1, ?, ?, false)""")) {
                for (int id = 1; id <= n; id++) {
                    Plant plant = plantAt[id];
                    String stripeId = plant == Plant.MISSING_REMOTE ? null
                            : plant == Plant.BROKEN_LINK ? String.format("cus_gone%010d", id) : stripeIdOf[id];
                    customer.setLong(1, id);
                    customer.setString(2, name(id));
                    customer.setString(3, email(id));
                    customer.setString(4, stripeId);
                    customer.setBoolean(5, plant != Plant.ACTIVE);
                    customer.setLong(6, plant == Plant.ACTIVE ? 2 : 1); // the delete (version 2) never reached Stripe
                    customer.addBatch();
                    if (stripeId != null) { // one never sent to Stripe has no agreed state
                        agreed.setLong(1, id);
                        agreed.setString(2, stripeId);
                        agreed.setString(3, name(id));
                        agreed.setString(4, email(id));
                        agreed.addBatch();
                    }
                    if (id % BATCH == 0 || id == n) {
                        customer.executeBatch();
                        agreed.executeBatch();
                    }
                }
            }
            try (Statement s = c.createStatement()) {
                s.execute("select setval('customers_id_seq', (select max(id) from customers))");
                c.commit();
                c.setAutoCommit(true);
                s.execute("analyze customers, sync_state");
            }
        }
    }

    /** Triggers the run, polls the report and the service's heap every 500 ms until it ends, and reports. */
    private void measure(Service service, String url) throws Exception {
        URI api = URI.create("http://127.0.0.1:" + service.port);
        URI prometheus = URI.create("http://127.0.0.1:" + service.managementPort + "/actuator/prometheus");
        Map<String, Supplier<Stream<ProcessHandle>>> groups = new LinkedHashMap<>();
        groups.put("service", () -> Stream.of(service.process.process.toHandle()));
        groups.put("bench-jvm", () -> Stream.of(ProcessHandle.current()));
        ServiceLoad.postgresServer(infra).ifPresent(pg -> groups.put("postgres", () -> Stream.concat(Stream.of(pg), pg.descendants())));
        int stripeCustomers = infra.stripe.customerCount();
        String metrics = get(prometheus);
        long heapBefore = heapUsed(metrics);
        double allocatedBefore = metric(metrics, "jvm_gc_memory_allocated_bytes_total", "");
        Benchmark.progress(String.format("POST /admin/reconciliation/run?auto_resolve=false (%,d Stripe customers, heap %,.0f MB)",
                stripeCustomers, heapBefore / 1e6));
        BenchProcess.CpuSnapshot cpuStart = BenchProcess.CpuSnapshot.take(groups);
        Instant from = Instant.now();
        long t0 = System.nanoTime();
        long reportId = call(HttpRequest.newBuilder(api.resolve("/admin/reconciliation/run?auto_resolve=false"))
                .POST(HttpRequest.BodyPublishers.noBody())).path("data").path("report_id").asLong();
        List<Sample> samples = new ArrayList<>();
        long heapPeak = 0;
        JsonNode report;
        do {
            Thread.sleep(POLL_MS);
            report = call(HttpRequest.newBuilder(api.resolve("/admin/reconciliation/reports/" + reportId + "?limit=1")).GET()).path("data");
            heapPeak = Math.max(heapPeak, heapUsed(get(prometheus)));
            double seconds = (System.nanoTime() - t0) / 1e9;
            JsonNode progress = report.path("progress");
            samples.add(new Sample(seconds, progress.path("phase").asText("not reported yet"), progress.path("processed").asLong()));
            if (seconds > RUN_TIMEOUT.toSeconds()) {
                throw new IllegalStateException("reconciliation " + reportId + " still running after " + RUN_TIMEOUT.toMinutes() + " min: " + progress);
            }
        } while ("running".equals(report.path("status").asText()));
        double ownSeconds = (System.nanoTime() - t0) / 1e9;
        BenchProcess.CpuSnapshot cpuEnd = BenchProcess.CpuSnapshot.take(groups);
        metrics = get(prometheus);
        List<RecordedRequest> requests = infra.stripe.requests().stream()
                .filter(r -> !r.at().isBefore(from) && r.path().startsWith("/v1/")).toList();
        String status = report.path("status").asText();
        Benchmark.progress("report " + reportId + ": " + status + ", progress " + report.path("progress") + ", counts " + report.path("counts"));
        double reportSeconds = Duration.between(OffsetDateTime.parse(report.path("started_at").asText()),
                OffsetDateTime.parse(report.path("finished_at").asText())).toMillis() / 1000.0;
        long pages = requests.stream().filter(r -> r.method().equals("GET") && r.path().equals("/v1/customers")).count();
        table.add(section, "wall time", String.format("%.1f s", reportSeconds), String.format("report %d %s%s, started_at -> finished_at;"
                        + " own clock %.1f s (POST to the first poll that saw it end); target <= 120 s; %,d pages at %d/s alone take %.1f s",
                reportId, status, report.path("error").isTextual() ? " (" + report.path("error").asText() + ")" : "", ownSeconds, pages,
                STRIPE_RATE_LIMIT, pages / (double) STRIPE_RATE_LIMIT));
        phases(samples);
        stripe(requests, pages, ownSeconds, stripeCustomers);
        mismatches(url, reportId, report.path("counts"));
        table.add(section, "heap peak", String.format("%,.0f MB", heapPeak / 1e6), String.format("before the run %,.0f MB, max heap %,.0f MB;"
                        + " %,.0f MB allocated during the run; jvm_memory_used_bytes{area=heap} summed over the pools, polled every %d ms",
                heapBefore / 1e6, metric(metrics, "jvm_memory_max_bytes{", "area=\"heap\"") / 1e6,
                (metric(metrics, "jvm_gc_memory_allocated_bytes_total", "") - allocatedBefore) / 1e6, POLL_MS));
        double wall = cpuEnd.wallNanos() - cpuStart.wallNanos();
        table.add(section, "service CPU", String.format("%.1f s", (cpuEnd.cpuNanos().get("service") - cpuStart.cpuNanos().get("service")) / 1e9),
                String.format("over %.1f s; cores: %s", wall / 1e9, cpuEnd.since(cpuStart, CPU_ORDER)));
    }

    /** How long each phase took, from the first poll that showed it to the first that showed the next, and its rate. */
    private void phases(List<Sample> samples) {
        Sample first = samples.get(0);
        for (Sample s : samples) {
            boolean last = s == samples.get(samples.size() - 1);
            if ((!s.phase().equals(first.phase()) || last) && !first.phase().equals("done")) {
                double seconds = s.seconds() - first.seconds();
                table.add(section, "phase " + first.phase(), String.format("%.1f s", seconds), String.format("%,d processed at %,.0f/s,"
                        + " by the report's progress (written every second, polled every %d ms)", s.processed() - first.processed(),
                        (s.processed() - first.processed()) / seconds, POLL_MS));
            }
            if (!s.phase().equals(first.phase())) {
                first = s;
            }
        }
    }

    private void stripe(List<RecordedRequest> requests, long pages, double seconds, int stripeCustomers) {
        long limited = requests.stream().filter(r -> r.status() == 429).count();
        long retrieves = requests.stream().filter(r -> r.method().equals("GET") && r.path().startsWith("/v1/customers/")).count();
        List<Instant> listed = requests.stream().filter(r -> r.method().equals("GET") && r.path().equals("/v1/customers")).map(RecordedRequest::at).toList();
        double listSeconds = listed.size() < 2 ? Double.NaN : Duration.between(listed.get(0), listed.get(listed.size() - 1)).toMillis() / 1000.0;
        table.add(section, "Stripe requests/s", String.format("%.1f /s", requests.size() / seconds), String.format("%,d requests over the"
                        + " run (%,d list pages, %,d retrieves, %,d other); while listing %.1f/s (first to last page); sandbox limit %d/s",
                requests.size(), pages, retrieves, requests.size() - pages - retrieves, (listed.size() - 1) / listSeconds, STRIPE_RATE_LIMIT));
        table.add(section, "Stripe 429 answers", String.valueOf(limited), limited == 0 ? "none, as it must be" : "MUST BE 0");
        table.add(section, "list pages", String.format("%,d", pages), String.format("GET /v1/customers for %,d Stripe customers", stripeCustomers));
    }

    /** The report's mismatches per kind against the planted ones, customer by customer; prints every difference. */
    private void mismatches(String url, long reportId, JsonNode counts) throws SQLException {
        Map<String, Set<String>> found = new LinkedHashMap<>();
        planted.keySet().forEach(label -> found.put(label, new TreeSet<>()));
        Map<String, String> details = new LinkedHashMap<>();
        try (Connection c = connect(url); PreparedStatement ps = c.prepareStatement("""
                select kind, field, customer_id, stripe_customer_id, local_value, remote_value, action, note
                from reconciliation_mismatches where report_id = ? order by id""")) {
            ps.setLong(1, reportId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String label = label(rs.getString("kind"), rs.getString("field"));
                    long customerId = rs.getLong("customer_id");
                    String who = rs.wasNull() ? rs.getString("stripe_customer_id") : "customer " + customerId;
                    found.computeIfAbsent(label, k -> new TreeSet<>()).add(who);
                    details.put(label + " " + who, String.format("stripe id %s, local %s, remote %s, action %s, note %s",
                            rs.getString("stripe_customer_id"), rs.getString("local_value"), rs.getString("remote_value"), rs.getString("action"),
                            rs.getString("note")));
                }
            }
        }
        int totalFound = 0;
        int totalPlanted = 0;
        boolean allEqual = true;
        for (Map.Entry<String, Set<String>> e : found.entrySet()) {
            Set<String> expected = planted.getOrDefault(e.getKey(), Set.of());
            Set<String> missed = new LinkedHashSet<>(expected);
            missed.removeAll(e.getValue());
            Set<String> unexpected = new LinkedHashSet<>(e.getValue());
            unexpected.removeAll(expected);
            boolean equal = missed.isEmpty() && unexpected.isEmpty();
            allEqual &= equal;
            totalFound += e.getValue().size();
            totalPlanted += expected.size();
            table.add(section, "found " + e.getKey(), e.getValue().size() + " / " + expected.size(), equal ? "equal (found / planted)"
                    : String.format("DIFFERENT: %d planted not found, %d found not planted", missed.size(), unexpected.size()));
            missed.forEach(who -> Benchmark.progress("planted, not found: " + e.getKey() + " " + who));
            unexpected.forEach(who -> Benchmark.progress("found, not planted: " + e.getKey() + " " + who + ": " + details.get(e.getKey() + " " + who)));
        }
        table.add(section, "found, all kinds", totalFound + " / " + totalPlanted, (allEqual ? "equal" : "DIFFERENT") + "; the report's counts " + counts);
        if (!allEqual) {
            Benchmark.progress("!!! MISMATCH: reconciliation " + reportId + " found " + totalFound + " mismatches, " + totalPlanted
                    + " were planted, and they are not the same customers (the lines above list each difference)");
        }
    }

    /** Per kind: a few broken links (one Stripe read each), the rest spread evenly over the other kinds. */
    private static Map<Plant, Integer> plantedCounts(int total) {
        Map<Plant, Integer> counts = new EnumMap<>(Plant.class);
        int broken = Math.min(MAX_BROKEN_LINKS, total / 5);
        List<Plant> others = List.of(Plant.NAME, Plant.ACTIVE, Plant.MISSING_REMOTE, Plant.MISSING_LOCAL);
        for (int i = 0; i < others.size(); i++) {
            counts.put(others.get(i), (total - broken) / others.size() + (i < (total - broken) % others.size() ? 1 : 0));
        }
        counts.put(Plant.BROKEN_LINK, broken);
        return counts;
    }

    /** Which local customer carries which planted mismatch (index: local id): the local-side ones shuffled, evenly spaced. */
    private static Plant[] spread(Map<Plant, Integer> counts, int n) {
        List<Plant> local = new ArrayList<>();
        counts.forEach((plant, count) -> {
            if (plant != Plant.MISSING_LOCAL) {
                local.addAll(Collections.nCopies(count, plant));
            }
        });
        Collections.shuffle(local, new Random(42));
        Plant[] at = new Plant[n + 1];
        for (int j = 0; j < local.size(); j++) {
            at[(int) ((j + 0.5) * n / local.size()) + 1] = local.get(j);
        }
        return at;
    }

    private static String label(String kind, String field) {
        return field == null ? kind : kind + " (" + field + ")";
    }

    private static String name(int id) {
        return "Customer " + id;
    }

    private static String email(int id) {
        return "customer-" + id + "@example.com";
    }

    private JsonNode call(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(request.header("Authorization", "Bearer " + ServiceLoad.API_TOKEN).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(r.request().method() + " " + r.uri() + " answered " + r.statusCode() + ": " + r.body());
        }
        return json.readTree(r.body());
    }

    private String get(URI uri) throws IOException, InterruptedException {
        return http.send(HttpRequest.newBuilder(uri).header("Authorization", "Bearer " + ServiceLoad.API_TOKEN).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    /** The service's heap in use: its {@code jvm_memory_used_bytes{area="heap"}} lines, summed. */
    private static long heapUsed(String prometheus) {
        return (long) metric(prometheus, "jvm_memory_used_bytes{", "area=\"heap\"");
    }

    /** The sum of the Prometheus lines that start with {@code name} and contain {@code label}, leaving out -1 (unknown). */
    private static double metric(String prometheus, String name, String label) {
        return prometheus.lines().filter(l -> l.startsWith(name) && l.contains(label))
                .map(l -> l.substring(Math.max(l.lastIndexOf('}'), l.indexOf(' ')) + 1).trim().split("\\s+")[0])
                .mapToDouble(Double::parseDouble).filter(v -> v >= 0).sum();
    }

    private Connection connect(String url) throws SQLException {
        Properties p = new Properties();
        p.setProperty("user", infra.dbUser);
        p.setProperty("password", infra.dbPassword);
        p.setProperty("reWriteBatchedInserts", "true");
        return DriverManager.getConnection(url, p);
    }
}
