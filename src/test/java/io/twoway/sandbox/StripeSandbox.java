package io.twoway.sandbox;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A stateful local stand-in for the Stripe customers/events API and webhooks; lifecycle and test-facing API. */
public final class StripeSandbox implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService executor;
    private final WebhookSender webhooks = new WebhookSender();
    private final EventLog events = new EventLog(webhooks);
    private final CustomerStore customers = new CustomerStore(events);
    private final FaultInjector faults = new FaultInjector();
    private final IdempotencyStore idempotency = new IdempotencyStore();
    private final SandboxHandler handler = new SandboxHandler(faults, idempotency, new CustomerApi(customers), events);

    private StripeSandbox(int port) throws IOException {
        webhooks.onDelivered(events::delivered);
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newFixedThreadPool(32, r -> {
            Thread t = new Thread(r, "stripe-sandbox-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 128);
        server.createContext("/", handler);
        server.setExecutor(executor);
        server.start();
    }

    /** Starts on 127.0.0.1; port 0 picks a free port. */
    public static StripeSandbox start(int port) {
        try {
            return new StripeSandbox(port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Stripe sandbox on port " + port, e);
        }
    }

    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        webhooks.close();
    }

    /** Forgets customers, events, idempotency keys, faults, the request log and the webhook log; keeps configuration. */
    public void reset() {
        faults.reset();
        idempotency.reset();
        customers.reset();
        events.reset();
        handler.reset();
        webhooks.reset();
    }

    /** Sends events to {@code url}, signed with {@code secret}; a null url turns webhooks off (the default). */
    public void webhook(String url, String secret) {
        webhooks.configure(url, secret);
    }

    /** Requests per second over a sliding window; 0 = unlimited (the default). Excess gets 429 rate_limit_error. */
    public void rateLimit(int requestsPerSecond) {
        faults.rateLimit(requestsPerSecond);
    }

    /** Live (not deleted) customers, newest first. */
    public List<Map<String, Object>> customers() {
        return customers.live().stream().map(i -> SandboxJson.frozen(i.json())).toList();
    }

    /** Any known customer; deleted ones as {@code {"id","object","deleted":true}}. */
    public Optional<Map<String, Object>> customer(String id) {
        return customers.find(id).map(SandboxJson::frozen);
    }

    /** All events, newest first. */
    public List<Map<String, Object>> events() {
        return events.all().stream().map(SandboxJson::frozen).toList();
    }

    /** The next {@code times} requests matching method ("*" = any) and path prefix answer {@code status}. */
    public void failNext(String method, String pathPrefix, int times, int status) {
        failNext(method, pathPrefix, times, status, null);
    }

    /** As {@link #failNext(String, String, int, int)}, with a {@code Retry-After} header when non-null. */
    public void failNext(String method, String pathPrefix, int times, int status, Integer retryAfterSeconds) {
        faults.failNext(method, pathPrefix, times, status, retryAfterSeconds);
    }

    /** The next {@code times} matching requests sleep {@code delay} before being handled. */
    public void delayNext(String method, String pathPrefix, int times, Duration delay) {
        faults.delayNext(method, pathPrefix, times, delay);
    }

    public void clearFaults() {
        faults.clearFaults();
    }

    /** Answered requests, in arrival order. */
    public List<RecordedRequest> requests() {
        return handler.requests();
    }

    /** Webhook delivery attempts, in attempt order. */
    public List<WebhookDelivery> webhookDeliveries() {
        return webhooks.deliveries();
    }
}
