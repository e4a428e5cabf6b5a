package io.twoway.bench;

import io.twoway.sandbox.RecordedRequest;
import io.twoway.testsupport.LocalInfrastructure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The benchmark's service phases, as a user runs Twoway: the service as a jar in its own JVM, the open-loop
 * {@link LoadGenerator} in another, PostgreSQL (zonky, its own processes), and the KRaft broker and the Stripe sandbox
 * in the benchmark's JVM. The sandbox enforces Stripe's rate limit, and the Stripe sync runs throughout: every create
 * joins its backlog, so each step also shows the rate at which the service sent to Stripe while the API was loaded.
 */
final class ServiceLoad {

    static final String WEBHOOK_SECRET = "whsec_bench_service";
    /** The service's API token; the generator sends it, and no rate limit applies (the benchmark is the load). */
    static final String API_TOKEN = "tw_bench_token_0000000001";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(120);
    private static final List<String> CPU_ORDER = List.of("service", "postgres", "bench-jvm");

    private final LocalInfrastructure infra;
    private final BenchSettings settings;
    private final FiguresTable table;
    private final Path jar;
    private final Optional<ProcessHandle> postgres;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private int generatorRuns;

    ServiceLoad(LocalInfrastructure infra, BenchSettings settings, FiguresTable table) throws IOException, SQLException {
        this.infra = infra;
        this.settings = settings;
        this.table = table;
        this.jar = serviceJar();
        this.postgres = postgresServer(infra);
    }

    /** Cold start (per JVM option set), then warm-up, REST create rates, reads, and the Stripe budget under REST load. */
    void run() throws Exception {
        infra.stripe.rateLimit(settings.stripeRateLimit());
        for (Map.Entry<String, List<String>> variant : settings.coldVariants().entrySet()) {
            try (Service service = start(variant.getValue())) {
                step(service, "cold start, " + variant.getKey(), "create:" + settings.coldRate() + ":" + settings.coldSeconds(),
                        String.format("from ready (%.1f s after launch)", service.readySeconds));
            }
        }
        if (settings.createRates().isEmpty() && settings.readRates().isEmpty()) {
            return; // cold start only
        }
        try (Service service = start(settings.serviceJvmOptions())) {
            Benchmark.progress("warm-up, create " + settings.warmupRate() + "/s for " + settings.warmupSeconds() + " s, then the steps");
            // the warm-up runs in the same generator as the steps, so neither JVM is cold when they start
            List<String> plan = new ArrayList<>();
            plan.add("create:" + settings.warmupRate() + ":" + settings.warmupSeconds());
            settings.createRates().forEach(rate -> plan.add("create:" + rate + ":" + settings.stepSeconds()));
            settings.readRates().forEach(rate -> plan.add("get@" + settings.coldRate() * settings.coldSeconds() + ":" + rate + ":" + settings.stepSeconds()));
            settings.readRates().forEach(rate -> plan.add("list:" + rate + ":" + settings.stepSeconds()));
            plan.add("create:" + settings.budgetRestRate() + ":" + settings.budgetSeconds());
            generate(service, plan, (n, r, cpu, stripe) -> {
                if (n == 0) {
                    return; // the warm-up
                }
                String[] spec = plan.get(n).split(":");
                String kind = spec[0].startsWith("get") ? "GET /customers/{id}" : spec[0].equals("list") ? "GET /customers?limit=20" : "POST /customers";
                boolean budget = n == plan.size() - 1;
                String section = budget ? "Stripe budget, REST " + spec[1] + "/s" : kind + " " + spec[1] + "/s";
                report(section, Integer.parseInt(spec[1]), r, cpu, stripe, budget);
            });
        }
    }

    private void step(Service service, String section, String spec, String note) throws Exception {
        Benchmark.progress(section + ": " + spec);
        generate(service, List.of(spec), (n, r, cpu, stripe) -> {
            report(section, Integer.parseInt(spec.split(":")[1]), r, cpu, stripe, false);
            table.add(section, "ready", String.format("%.1f s", service.readySeconds), note);
        });
    }

    private void report(String section, int rate, Map<String, String> r, String cpu, StripeWindow stripe, boolean budget) {
        double elapsed = Double.parseDouble(r.get("elapsed"));
        int ok = Integer.parseInt(r.get("ok"));
        int errors = Integer.parseInt(r.get("non2xx")) + Integer.parseInt(r.get("errors")) + Integer.parseInt(r.get("timeouts"));
        table.add(section, "achieved", String.format("%,.0f 2xx/s", ok / elapsed), String.format("offered %d/s: %s sent, %d errors "
                + "(non-2xx %s, I/O %s, timeouts %s), %s late%s", rate, r.get("sent"), errors, r.get("non2xx"), r.get("errors"),
                r.get("timeouts"), r.get("late"), "-".equals(r.get("sample")) ? "" : ", e.g. " + r.get("sample")));
        table.add(section, "p50 / p99", r.get("p50") + " / " + r.get("p99") + " ms", "p90 " + r.get("p90") + ", p99.9 " + r.get("p999")
                + ", max " + r.get("max") + " ms, from the scheduled send; slowest seconds (s:p99 ms) " + r.get("slowest"));
        table.add(section, "CPU (cores)", cpu.substring(cpu.indexOf("service"), cpu.indexOf(',', cpu.indexOf("service"))), cpu);
        String ratio = String.format("%.3f of %d/s", stripe.rate() / settings.stripeRateLimit(), settings.stripeRateLimit());
        table.add(section, budget ? "Stripe rate (GOAL >= 0.95)" : "Stripe rate", ratio,
                String.format("%.1f req/s sent to the sandbox over the last %.0f s of the step, %d answered 429", stripe.rate(),
                        stripe.seconds(), stripe.rateLimited()));
    }

    interface StepResult {
        void accept(int step, Map<String, String> result, String cpu, StripeWindow stripe) throws Exception;
    }

    /** Stripe requests the sandbox saw in a window. */
    record StripeWindow(double rate, double seconds, long rateLimited) {}

    private void generate(Service service, List<String> plan, StepResult onStep) throws Exception {
        List<String> args = new ArrayList<>(List.of("127.0.0.1", String.valueOf(service.port), runId + "g" + (++generatorRuns)));
        args.addAll(plan);
        Map<String, Supplier<Stream<ProcessHandle>>> groups = new LinkedHashMap<>();
        groups.put("service", () -> Stream.of(service.process.process.toHandle()));
        groups.put("bench-jvm", () -> Stream.of(ProcessHandle.current()));
        postgres.ifPresent(pg -> groups.put("postgres", () -> Stream.concat(Stream.of(pg), pg.descendants())));
        Map<Integer, BenchProcess.CpuSnapshot> begun = new HashMap<>();
        Map<Integer, Instant> begunAt = new HashMap<>();
        List<Exception> failures = new ArrayList<>();
        BenchProcess.generator(args, line -> {
            String[] words = line.split(" ");
            if (words[0].equals("BEGIN")) {
                int n = Integer.parseInt(words[1]);
                begun.put(n, BenchProcess.CpuSnapshot.take(groups));
                begunAt.put(n, Instant.now());
            } else if (words[0].equals("END")) {
                int n = Integer.parseInt(words[1]);
                BenchProcess.CpuSnapshot end = BenchProcess.CpuSnapshot.take(groups);
                Map<String, String> result = new HashMap<>();
                for (int i = 2; i < words.length; i++) {
                    String[] kv = words[i].split("=", 2);
                    result.put(kv[0], kv[1]);
                }
                try {
                    String cpu = "generator " + result.get("cpu") + ", " + end.since(begun.get(n), CPU_ORDER);
                    onStep.accept(n, result, cpu, stripeWindow(begunAt.get(n), Instant.now()));
                } catch (Exception e) {
                    failures.add(e);
                }
            } else {
                Benchmark.progress("generator: " + line);
            }
        });
        if (!failures.isEmpty()) {
            throw failures.get(0);
        }
    }

    /** The sandbox's Stripe API requests in the window, skipping its first 5 s (the sync still catching up with its start). */
    private StripeWindow stripeWindow(Instant from, Instant to) {
        Instant start = from.plusSeconds(5).isBefore(to) ? from.plusSeconds(5) : from;
        long sent = 0;
        long limited = 0;
        for (RecordedRequest r : infra.stripe.requests()) {
            if (!r.at().isBefore(start) && r.at().isBefore(to) && r.path().startsWith("/v1/")) {
                sent++;
                if (r.status() == 429) {
                    limited++;
                }
            }
        }
        double seconds = Duration.between(start, to).toMillis() / 1000.0;
        return new StripeWindow((sent - limited) / seconds, seconds, limited);
    }

    private Service start(List<String> jvmOptions) throws Exception {
        Benchmark.progress("starting the service jar" + (jvmOptions.isEmpty() ? "" : " with " + String.join(" ", jvmOptions)));
        return Service.start(jar, jvmOptions, Map.of(), infra, Path.of("target", "bench", "service-" + runId + "-" + (generatorRuns + 1) + ".log"));
    }

    /** The PostgreSQL server process (its backends are its children), found through a backend's parent. */
    static Optional<ProcessHandle> postgresServer(LocalInfrastructure infra) throws SQLException {
        String url = infra.jdbcUrl != null ? infra.jdbcUrl : infra.properties().get("spring.datasource.url");
        if (url == null) {
            return Optional.empty();
        }
        try (Connection c = DriverManager.getConnection(url, infra.dbUser, infra.dbPassword);
             Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return ProcessHandle.of(rs.getLong(1)).flatMap(ProcessHandle::parent);
        }
    }

    static Path serviceJar() throws IOException {
        try (DirectoryStream<Path> jars = Files.newDirectoryStream(Path.of("target"), "twoway-*.jar")) {
            for (Path p : jars) {
                return p.toAbsolutePath();
            }
        }
        throw new IllegalStateException("no target/twoway-*.jar: run the benchmark with 'package' before 'exec:java' (see the README)");
    }

    /** The service jar, running, ready, and stopped on close. */
    static final class Service implements AutoCloseable {
        final BenchProcess process;
        final int port;
        final int managementPort;
        final double readySeconds;

        private Service(BenchProcess process, int port, int managementPort, double readySeconds) {
            this.process = process;
            this.port = port;
            this.managementPort = managementPort;
            this.readySeconds = readySeconds;
        }

        /** Starts the jar with {@code environment} (variables such as {@code STRIPE_RATE_LIMIT}) and waits until it is ready. */
        static Service start(Path jar, List<String> jvmOptions, Map<String, String> environment, LocalInfrastructure infra, Path log)
                throws Exception {
            int port = freePort();
            int managementPort = freePort();
            List<String> args = new ArrayList<>(List.of("-jar", jar.toString()));
            infra.properties().forEach((key, value) -> args.add("--" + key + "=" + value));
            args.add("--twoway.api.port=" + port);
            args.add("--twoway.api.host=127.0.0.1");
            args.add("--server.port=" + managementPort);
            args.add("--server.address=127.0.0.1");
            args.add("--twoway.webhook.secret=" + WEBHOOK_SECRET);
            args.add("--twoway.api.tokens=" + API_TOKEN);
            args.add("--twoway.api.rate-limit=0");
            args.add("--camel.component.jolokia.enabled=false");
            args.add("--logging.level.root=WARN");
            long launched = System.nanoTime();
            BenchProcess process = BenchProcess.java(jvmOptions, args, environment, log);
            infra.stripe.webhook("http://127.0.0.1:" + port + "/webhooks/stripe", WEBHOOK_SECRET);
            HttpClient client = HttpClient.newHttpClient();
            URI readiness = URI.create("http://127.0.0.1:" + managementPort + "/actuator/health/readiness");
            long deadline = launched + READY_TIMEOUT.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.process.isAlive()) {
                    throw new IllegalStateException("the service exited with " + process.process.exitValue() + "; see " + log);
                }
                try {
                    if (client.send(HttpRequest.newBuilder(readiness).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                        return new Service(process, port, managementPort, (System.nanoTime() - launched) / 1e9);
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            process.close();
            throw new IllegalStateException("the service was not ready within " + READY_TIMEOUT.toSeconds() + " s; see " + log);
        }

        private static int freePort() throws IOException {
            try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
                return s.getLocalPort();
            }
        }

        @Override
        public void close() {
            process.close();
        }
    }
}
