package io.twoway.bench;

import ch.qos.logback.classic.Level;
import io.twoway.inbox.InboxApply;
import io.twoway.testsupport.LocalInfrastructure;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.LongSummaryStatistics;
import java.util.Map;
import org.apache.camel.component.seda.SedaEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Twoway benchmark (not a test); prints one table. Five parts; {@code -Dbench.only=service,relay,webhooks,reconcile,salesforce}
 * picks some, and without it service and relay run:
 * <ul>
 *   <li>{@code service}: the service as a jar in its own JVM, an open-loop generator in another ({@link ServiceLoad}):
 *       cold start, REST create rates, reads, and the Stripe budget used while the API is loaded;</li>
 *   <li>{@code relay}: outbox relay throughput (the Camel route vs a plain-JDBC baseline) and commit-to-Kafka latency,
 *       with Twoway in this JVM;</li>
 *   <li>{@code webhooks}: open-loop webhook ingest, with Twoway in this JVM;</li>
 *   <li>{@code reconcile}: one full reconciliation run of the service jar over 100k customers on both sides, with
 *       planted mismatches, Stripe limited to 25 requests/s ({@link ReconcileLoad});</li>
 *   <li>{@code salesforce}: a backlog of 10,000 changes to Salesforce drained by the service jar: API calls per change
 *       and drain time ({@link SalesforceBacklogLoad}).</li>
 * </ul>
 * PostgreSQL (zonky), the KRaft broker and the Stripe and Salesforce sandboxes run as in the tests.
 */
public final class Benchmark {

    private static final long WEBHOOK_DRAIN_MS = 300_000;

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
        String scope = String.join(", ", settings.parts().stream().sorted().toList());
        benchmark.table.print(String.format("Twoway benchmark: %s, %d CPUs, Java %s, %.0f s total", scope,
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), (System.nanoTime() - started) / 1e9));
        System.exit(exit);
    }

    private void run() throws Exception {
        progress("starting embedded PostgreSQL, KRaft Kafka and the Stripe sandbox");
        LocalInfrastructure infra = LocalInfrastructure.start();
        if (settings.runs("service")) {
            new ServiceLoad(infra, settings, table).run();
        }
        if (settings.runs("relay")) {
            relay(infra);
        }
        if (settings.runs("webhooks") && !settings.webhookRates().isEmpty()) {
            progress("starting Twoway for webhook ingest");
            try (TwowayInstance app = TwowayInstance.start(infra, "bench_webhooks", settings.batchSizes().get(0), settings.pollIntervalMs())) {
                webhookIngest(app);
            }
        }
        if (settings.runs("reconcile")) {
            new ReconcileLoad(infra, settings, table).run();
        }
        if (settings.runs("salesforce")) {
            new SalesforceBacklogLoad(infra, settings, table).run();
        }
    }

    private void relay(LocalInfrastructure infra) throws Exception {
        List<Integer> batchSizes = settings.batchSizes();
        for (int i = 0; i < batchSizes.size(); i++) {
            int batchSize = batchSizes.get(i);
            progress("starting Twoway, batch size " + batchSize + ", poll interval " + settings.pollIntervalMs() + " ms");
            try (TwowayInstance app = TwowayInstance.start(infra, "bench_camel_b" + batchSize, batchSize, settings.pollIntervalMs())) {
                relayThroughput(app);
                if (i == 0) {
                    commitLatency(app);
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

    private void webhookIngest(TwowayInstance app) throws Exception {
        try (WebhookLoad load = new WebhookLoad(app.port, TwowayInstance.WEBHOOK_SECRET)) {
            webhookSteps(app, load);
        }
    }

    private void webhookSteps(TwowayInstance app, WebhookLoad load) throws Exception {
        InboxTable inbox = new InboxTable(app.dataSource);
        CpuMeter cpu = new CpuMeter(app.dataSource, WebhookLoad::isGeneratorThread);
        int warmupRate = settings.webhookRates().stream().min(Integer::compare).orElseThrow();
        if (settings.webhookWarmupSeconds() > 0) {
            progress("webhook warm-up, " + warmupRate + "/s for " + settings.webhookWarmupSeconds() + " s");
            load.run(warmupRate, settings.webhookWarmupSeconds());
            if (!inbox.awaitNoPending(WEBHOOK_DRAIN_MS)) {
                progress("the warm-up's events are still pending after " + WEBHOOK_DRAIN_MS / 1000 + " s; measuring anyway");
            }
        }
        for (int rate : settings.webhookRates()) {
            progress("webhook POST /webhooks/stripe, open loop, " + rate + "/s for " + settings.webhookSeconds() + " s");
            CpuMeter.Span span = cpu.start();
            WebhookLoad.Result r = load.run(rate, settings.webhookSeconds());
            CpuMeter.Usage usage = span.stop();
            long pendingAtEnd = inbox.pending();
            int queuedAtEnd = app.camel.getEndpoint(InboxApply.QUEUE, SedaEndpoint.class).getCurrentQueueSize();
            long drainStart = System.nanoTime();
            boolean drained = inbox.awaitNoPending(WEBHOOK_DRAIN_MS);
            double drainSeconds = (System.nanoTime() - drainStart) / 1e9;
            Map<String, Long> applied = inbox.appliedEpochMicros(r.objectIdPrefix());
            Percentiles endToEnd = endToEnd(r, applied);
            progress(String.format("%d/s: %,d sent, %,d 2xx, %s; applied %,d, drained %.1f s after the step%s", rate, r.sent(), r.ok(),
                    r.latency().summary(), endToEnd.count(), drainSeconds, drained ? "" : " (NOT drained)"));
            String section = "webhook ingest " + rate + "/s";
            table.add(section, "achieved", String.format("%,.0f 2xx/s", r.achievedRate()), String.format(
                    "offered %d/s for %d s: %,d sent, %,d 2xx over %.1f s", rate, r.seconds(), r.sent(), r.ok(), r.elapsedSeconds()));
            table.add(section, "p50", String.format("%.1f ms", r.latency().ms(50)), "from the scheduled send to the answer");
            table.add(section, "p99", String.format("%.1f ms", r.latency().ms(99)), "target <= 100 ms at 1,000/s");
            table.add(section, "max", String.format("%.1f ms", r.latency().maxMs()), "");
            table.add(section, "errors", String.valueOf(r.errors()), String.format("non-2xx %d, I/O %d, timeouts %d%s", r.non2xx(),
                    r.ioErrors(), r.timeouts(), r.sampleError() == null ? "" : "; e.g. " + abbreviate(r.sampleError())));
            table.add(section, "late sends", String.valueOf(r.late()), String.format("sent > %d ms after the slot; max send lag %.1f ms",
                    SendCounters.LATE_MS, r.maxSendLagMs()));
            table.add(section, "CPU", String.format("%.2f cores", usage.jvmCores()), usage.summary(Runtime.getRuntime().availableProcessors()));
            String appliedNote = String.format("%,d of %,d applied, at %,.0f/s (first to last); backlog drained %.1f s after the step%s",
                    endToEnd.count(), r.sent(), applyRate(applied), drainSeconds, drained ? "" : ", NOT within " + WEBHOOK_DRAIN_MS / 1000 + " s");
            table.add(section, "send -> applied p50", String.format("%.1f ms", endToEnd.ms(50)), appliedNote);
            table.add(section, "send -> applied p99", String.format("%.1f ms", endToEnd.ms(99)), String.format(
                    "to processed_at (the apply tx's start); at the last answer %,d pending, %,d in the apply queue", pendingAtEnd, queuedAtEnd));
        }
    }

    /** Per applied event: its processed_at minus its scheduled send, both on this machine's wall clock. */
    private static Percentiles endToEnd(WebhookLoad.Result r, Map<String, Long> appliedEpochMicros) {
        return new Percentiles(appliedEpochMicros.entrySet().stream().mapToLong(e -> {
            int slot = Integer.parseInt(e.getKey().substring(r.objectIdPrefix().length()));
            return (e.getValue() - r.scheduledEpochMicros(slot)) * 1000;
        }).toArray());
    }

    /** Applied events per second between the first and the last processed_at. */
    private static double applyRate(Map<String, Long> appliedEpochMicros) {
        LongSummaryStatistics times = appliedEpochMicros.values().stream().mapToLong(Long::longValue).summaryStatistics();
        return times.getCount() < 2 ? Double.NaN : (times.getCount() - 1) / ((times.getMax() - times.getMin()) / 1e6);
    }

    private static String abbreviate(String text) {
        String line = text.replaceAll("\\s+", " ");
        return line.length() <= 160 ? line : line.substring(0, 157) + "...";
    }

    static void progress(String message) {
        System.out.println("[bench] " + message);
        System.out.flush();
    }
}
