package io.twoway.bench;

import ch.qos.logback.classic.Level;
import io.twoway.testsupport.LocalInfrastructure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twoway benchmark (not a test): outbox relay throughput (Camel route vs a plain-JDBC baseline), commit-to-Kafka
 * latency at a steady rate, and REST create throughput, all against local infrastructure in this JVM; prints a table.
 */
public final class Benchmark {

    private final BenchSettings settings;
    private final FiguresTable table = new FiguresTable();

    private Benchmark(BenchSettings settings) {
        this.settings = settings;
    }

    public static void main(String[] args) {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        BenchSettings settings = BenchSettings.fromSystemProperties();
        Benchmark benchmark = new Benchmark(settings);
        long started = System.nanoTime();
        int exit = 0;
        try {
            benchmark.run();
        } catch (Throwable t) {
            t.printStackTrace();
            benchmark.table.add("error", t.getClass().getSimpleName(), "-", String.valueOf(t.getMessage()));
            exit = 1;
        }
        benchmark.table.print(String.format("Twoway benchmark: %d events per relay run, best of %d round(s), %d CPUs, Java %s, %.0f s total",
                settings.events(), settings.rounds(), Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"),
                (System.nanoTime() - started) / 1e9));
        System.exit(exit);
    }

    private void run() throws Exception {
        progress("starting embedded PostgreSQL, KRaft Kafka and the Stripe sandbox");
        LocalInfrastructure infra = LocalInfrastructure.start();
        List<Integer> batchSizes = settings.batchSizes();
        for (int i = 0; i < batchSizes.size(); i++) {
            int batchSize = batchSizes.get(i);
            progress("starting Twoway, batch size " + batchSize + ", poll interval " + settings.pollIntervalMs() + " ms");
            try (TwowayInstance app = TwowayInstance.start(infra, "bench_camel_b" + batchSize, batchSize, settings.pollIntervalMs())) {
                relayThroughput(app);
                if (i == 0) {
                    commitLatency(app);
                    restCreate(app);
                }
            }
        }
        if (settings.fastPollIntervalMs() > 0 && settings.fastPollIntervalMs() != settings.pollIntervalMs()) {
            progress("starting Twoway, poll interval " + settings.fastPollIntervalMs() + " ms");
            try (TwowayInstance app = TwowayInstance.start(infra, "bench_camel_fastpoll", batchSizes.get(0), settings.fastPollIntervalMs())) {
                commitLatency(app);
            }
        }
    }

    private void relayThroughput(TwowayInstance app) throws Exception {
        String baselineTopic = "bench_baseline_b" + app.batchSize;
        TopicOffsets.ensure(app.bootstrap, baselineTopic, 3);
        if (settings.warmupEvents() > 0) {
            progress("relay warm-up, " + settings.warmupEvents() + " events each");
            RelayThroughput.baseline(app, baselineTopic, settings.warmupEvents(), settings.customers());
            RelayThroughput.camel(app, settings.warmupEvents(), settings.customers());
        }
        List<RelayThroughput.Result> baseline = new ArrayList<>();
        List<RelayThroughput.Result> camel = new ArrayList<>();
        for (int round = 1; round <= settings.rounds(); round++) {
            baseline.add(report(RelayThroughput.baseline(app, baselineTopic, settings.events(), settings.customers()), round));
            camel.add(report(RelayThroughput.camel(app, settings.events(), settings.customers()), round));
        }
        double payload = new OutboxTable(app.dataSource).averagePayloadBytes();
        String section = "relay, batch " + app.batchSize;
        RelayThroughput.Result bestBaseline = best(baseline);
        RelayThroughput.Result bestCamel = best(camel);
        table.add(section, "baseline (plain JDBC + KafkaProducer)", String.format("%,.0f ev/s", bestBaseline.rate()), rounds(baseline));
        table.add(section, "camel outbox-relay route", String.format("%,.0f ev/s", bestCamel.rate()), rounds(camel));
        table.add(section, "ratio camel / baseline", String.format("%.2f", bestCamel.rate() / bestBaseline.rate()),
                String.format("target >= 0.80; %,d events/run, payload avg %.0f B, poll %d ms", settings.events(), payload, app.pollIntervalMs));
    }

    private RelayThroughput.Result report(RelayThroughput.Result r, int round) {
        progress(String.format("round %d %-8s batch %4d: %,d events in %.2f s = %,.0f ev/s (kafka +%,d, unpublished %d)", round,
                r.relay(), r.batchSize(), r.events(), r.seconds(), r.rate(), r.kafkaRecords(), r.leftUnpublished()));
        if (r.kafkaRecords() != r.events() || r.leftUnpublished() != 0) {
            throw new IllegalStateException(r.relay() + " relay lost or duplicated events: " + r);
        }
        return r;
    }

    private static RelayThroughput.Result best(List<RelayThroughput.Result> results) {
        return results.stream().max(Comparator.comparingDouble(RelayThroughput.Result::rate)).orElseThrow();
    }

    private static String rounds(List<RelayThroughput.Result> results) {
        return "rounds: " + String.join(", ", results.stream().map(r -> String.format("%,.0f", r.rate())).toList());
    }

    private void commitLatency(TwowayInstance app) throws Exception {
        progress("commit -> Kafka latency, " + settings.latencyRate() + " events/s for " + settings.latencySeconds() + " s, poll "
                + app.pollIntervalMs + " ms");
        new OutboxTable(app.dataSource).truncate();
        app.startRelay();
        CommitLatencyProbe.Result r;
        try {
            Thread.sleep(RelayThroughput.IDLE_MS); // past the scheduler's 1 s initial delay
            r = new CommitLatencyProbe(app.dataSource, app.bootstrap, app.topic).run(settings.latencyRate(), settings.latencySeconds());
        } finally {
            app.stopRelay();
        }
        String section = "commit->kafka, poll " + app.pollIntervalMs + " ms";
        String counts = String.format("inserted %,d at %.0f/s, received %,d, duplicates %d%s", r.inserted(), r.insertRate(), r.received(),
                r.duplicates(), r.received() == r.inserted() ? "" : "  MISMATCH");
        table.add(section, "p50", String.format("%.1f ms", r.latency().ms(50)), counts);
        table.add(section, "p99", String.format("%.1f ms", r.latency().ms(99)), "");
        table.add(section, "max", String.format("%.1f ms", r.latency().maxMs()), "");
    }

    private void restCreate(TwowayInstance app) throws Exception {
        app.startRelay(); // the service as deployed: the relay publishes the created events meanwhile
        try {
            RestLoad load = new RestLoad(app.port);
            progress("REST warm-up, " + settings.restWarmupSeconds() + " s");
            load.run(settings.restThreads(), settings.restWarmupSeconds(), 0);
            progress("REST POST /customers, " + settings.restThreads() + " clients, " + settings.restSeconds() + " s");
            RestLoad.Result r = load.run(settings.restThreads(), settings.restSeconds(), settings.restMaxRequests());
            String section = "REST POST /customers";
            table.add(section, "throughput", String.format("%,.0f req/s", r.rate()),
                    String.format("%,d requests in %.1f s, %d client threads", r.requests(), r.seconds(), settings.restThreads()));
            table.add(section, "p50", String.format("%.1f ms", r.latency().ms(50)), "");
            table.add(section, "p99", String.format("%.1f ms", r.latency().ms(99)), String.format("max %.1f ms", r.latency().maxMs()));
            table.add(section, "non-201 answers", String.valueOf(r.non201()), r.sampleError() == null ? "" : "e.g. " + r.sampleError());
        } finally {
            app.stopRelay();
        }
    }

    private static void progress(String message) {
        System.out.println("[bench] " + message);
        System.out.flush();
    }
}
