package io.twoway.bench;

import io.twoway.inbox.WebhookSignature;
import io.twoway.testsupport.StripeEvents;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/** Open-loop webhook load: distinct signed customer.created events POSTed on a fixed schedule, latency from each slot. */
final class WebhookLoad implements AutoCloseable {

    /**
     * One step. Slot i was due at {@code t0EpochMicros + i / rate}; its customer is {@code objectIdPrefix + i}. Latency
     * runs from the slot to the answer (or the failure), so a send held up by the generator counts too.
     */
    record Result(int rate, int seconds, int sent, int ok, int non2xx, int ioErrors, int timeouts, int late, double maxSendLagMs,
                  double elapsedSeconds, Percentiles latency, String sampleError, String objectIdPrefix, long t0EpochMicros) {
        double achievedRate() {
            return ok / elapsedSeconds;
        }

        int errors() {
            return non2xx + ioErrors + timeouts;
        }

        long scheduledEpochMicros(int slot) {
            return t0EpochMicros + slot * 1_000_000L / rate;
        }
    }

    /** Stripe's own answer timeout is about this; WEBHOOK_TIMEOUT defaults to it too. */
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    /**
     * Sender threads, so requests in flight: 5x rate x latency at the target (1,000/s x 0.1 s). When all are busy the
     * server has fallen over, and the sends that wait for one turn late.
     */
    static final int SENDERS = 512;
    private static final long LEAD_NANOS = 200_000_000L;

    private final URI uri;
    private final String secret;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    // Blocking send() on platform threads: sendAsync() hops through CompletableFuture's default executor, which on
    // fewer than 3 CPUs starts a new thread per response.
    private final ThreadPoolExecutor senders = new ThreadPoolExecutor(SENDERS, SENDERS, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
            daemon("webhook-sender-"));
    private final ExecutorService httpInternals = Executors.newFixedThreadPool(2, daemon("webhook-http-"));
    private int steps;

    WebhookLoad(int port, String secret) {
        this.uri = URI.create("http://127.0.0.1:" + port + "/webhooks/stripe");
        this.secret = secret;
        senders.prestartAllCoreThreads();
    }

    /** The generator's own threads (senders, the HTTP client's executor and selector), for its share of the CPU. */
    static boolean isGeneratorThread(String name) {
        return name.startsWith("webhook-sender-") || name.startsWith("webhook-http-") || name.startsWith("HttpClient-");
    }

    Result run(int rate, int seconds) throws InterruptedException {
        int total = rate * seconds;
        String prefix = "cus_bench" + runId + "s" + (++steps) + "n";
        byte[][] bodies = bodies(prefix, total);
        // a client per step: no pooled connection that the server closed while idle between steps
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .executor(httpInternals).build();
        SendCounters step = new SendCounters(total);
        long t0EpochMicros = ChronoUnit.MICROS.between(Instant.EPOCH, Instant.now()) + LEAD_NANOS / 1000;
        long t0 = System.nanoTime() + LEAD_NANOS;
        for (int i = 0; i < total; i++) {
            long due = t0 + i * 1_000_000_000L / rate;
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            int slot = i;
            byte[] body = bodies[i];
            bodies[i] = null;
            senders.execute(() -> send(step, client, slot, due, body));
        }
        step.awaitAll(TIMEOUT.toSeconds() * (1 + total / SENDERS) + 30, "webhook requests");
        double elapsed = step.elapsedSeconds(t0, seconds);
        return new Result(rate, seconds, total, step.ok.get(), step.non2xx.get(), step.errors.get(), step.timeouts.get(), step.late.get(),
                step.maxLag.get() / 1e6, elapsed, new Percentiles(step.latencies), step.sampleError.get(), prefix, t0EpochMicros);
    }

    /** One send: its outcome goes to the step's counters. */
    private void send(SendCounters step, HttpClient client, int slot, long due, byte[] body) {
        step.sending(due);
        try {
            HttpResponse<String> response = client.send(request(body), HttpResponse.BodyHandlers.ofString());
            step.status(response.statusCode(), response.body());
        } catch (HttpTimeoutException e) {
            step.timeout(e.toString());
        } catch (IOException | RuntimeException e) {
            step.error(e.toString());
        } catch (InterruptedException e) {
            step.error(e.toString());
            Thread.currentThread().interrupt();
        } finally {
            step.done(slot, due);
        }
    }

    /** Built before the clock starts; each is signed only when it is sent. */
    private static byte[][] bodies(String prefix, int total) {
        long created = Instant.now().getEpochSecond();
        byte[][] bodies = new byte[total][];
        for (int i = 0; i < total; i++) {
            String id = prefix + i;
            String email = "wh-" + id.toLowerCase() + "@example.com";
            bodies[i] = StripeEvents.event("customer.created", StripeEvents.customer(id, "Webhook Bench " + i, email, null), null, created, null)
                    .getBytes(StandardCharsets.UTF_8);
        }
        return bodies;
    }

    private HttpRequest request(byte[] body) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Content-Type", "application/json; charset=utf-8")
                .header("Stripe-Signature", WebhookSignature.sign(Instant.now().getEpochSecond(), body, secret))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void close() {
        senders.shutdownNow();
        httpInternals.shutdownNow();
    }
}
