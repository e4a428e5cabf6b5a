package io.twoway.sandbox;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/** A stateful local stand-in for the Stripe customers/events API and webhooks; lifecycle and test-facing API. */
public final class StripeSandbox implements AutoCloseable {

    /**
     * A customer that existed before the sandbox started: no event, no webhook (its events are older than Stripe's 30
     * days).
     */
    public record SeedCustomer(String name, String email, Map<String, String> metadata, long created) {
    }

    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    static {
        // The JDK server writes a response's headers and body separately: with Nagle's algorithm and the client's
        // delayed ACK, that costs ~40 ms a response. Read once, when the JVM's first HttpServer starts.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }

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
        server.createContext(SandboxControls.PREFIX, new SandboxControls(this, webhooks));
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

    /**
     * Forgets customers, events, idempotency keys, faults (also webhook faults and held deliveries; resumes), the
     * request log and the webhook log; keeps configuration.
     */
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

    /** Forgets every stored idempotency key, as Stripe does after 24 hours: a key used again executes again. */
    public void expireIdempotencyKeys() {
        idempotency.reset();
    }

    /** Requests per second over a sliding window; 0 = unlimited (the default). Excess gets 429 rate_limit_error. */
    public void rateLimit(int requestsPerSecond) {
        faults.rateLimit(requestsPerSecond);
    }

    /** Live (not deleted) customers, newest first. */
    public List<Map<String, Object>> customers() {
        return customers.all().stream().map(SandboxJson::frozen).toList();
    }

    /** How many live (not deleted) customers there are. */
    public int customerCount() {
        return customers.liveCount();
    }

    /**
     * Adds the customers as if created long ago, oldest first in the list given; returns their new ids in the same
     * order. Like any customer they list by creation sequence, so newer than every customer that exists now whatever
     * their {@code created} (unix seconds); "" names, emails and metadata values mean unset. All or nothing: a bad one
     * throws {@link IllegalArgumentException} and adds none.
     */
    public List<String> seedCustomers(List<SeedCustomer> customers) {
        return List.copyOf(this.customers.seed(CustomerSeeds.validated(customers)));
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

    /** Webhook delivery attempts (and dropped events, {@link WebhookDelivery#dropped()}), in attempt order. */
    public List<WebhookDelivery> webhookDeliveries() {
        return webhooks.deliveries();
    }

    /** The configured webhook signing secret ({@code whsec_…}), or null when webhooks are off. */
    public String webhookSecret() {
        return webhooks.secret();
    }

    /**
     * Holds deliveries: new events are still recorded (pending) but not sent, nor are retries that fall due. Attempts
     * already handed to the sender thread still go out.
     */
    public void pauseWebhooks() {
        webhooks.pause();
    }

    /** Sends the held deliveries in the order they were held (creation order, unless a fault reordered them). */
    public void resumeWebhooks() {
        webhooks.resume();
    }

    /** The next {@code n} events are never delivered (they stay pending); each is logged as a dropped delivery. */
    public void dropNextWebhooks(int n) {
        webhooks.faults().drop(n);
    }

    /** Each of the next {@code n} events is delivered twice: same body, same event id. */
    public void duplicateNextWebhooks(int n) {
        webhooks.faults().duplicate(n);
    }

    /** The next {@code n} events are delivered after {@code delay}; later events are not held behind them. */
    public void delayNextWebhooks(int n, Duration delay) {
        webhooks.faults().delay(n, delay);
    }

    /** Holds the next {@code n} events, then delivers them newest first once all {@code n} are held. */
    public void reorderNextWebhooks(int n) {
        webhooks.faults().reorder(n);
    }

    /**
     * Clears the drop/duplicate/delay/reorder counters, releases a partly filled reorder batch (newest first) and
     * resumes. Deliveries already delayed still arrive when due.
     */
    public void clearWebhookFaults() {
        webhooks.clearFaults();
    }

    /** As {@link #sendEvent(String, Map, Map, String, long)}, created now. */
    public Map<String, Object> sendEvent(String type, Map<String, Object> object,
                                         Map<String, Object> previousAttributes, String idempotencyKey) {
        return sendEvent(type, object, previousAttributes, idempotencyKey, Instant.now().getEpochSecond());
    }

    /**
     * Records an arbitrary event, as if an API call had caused it ({@code request.id} null, {@code
     * request.idempotency_key} as given, {@code data.previous_attributes} only when non-null), and delivers it the
     * normal way (faults apply). Returns the event as stored.
     */
    public Map<String, Object> sendEvent(String type, Map<String, Object> object,
                                         Map<String, Object> previousAttributes, String idempotencyKey, long created) {
        if (type == null || type.isBlank()) {
            throw new IllegalArgumentException("event type is required");
        }
        if (object == null) {
            throw new IllegalArgumentException("data.object is required");
        }
        if (created <= 0 || created > EventLog.MAX_CREATED) {
            throw new IllegalArgumentException("created must be unix seconds: " + created);
        }
        Map<String, Object> frozen = SandboxJson.frozen(object);
        return SandboxJson.frozen(events.append(type, () -> frozen, previousAttributes,
                new RequestContext(null, idempotencyKey), created));
    }

    /**
     * POSTs {@code body} to the configured webhook endpoint once, now, with {@code signatureHeader} as
     * {@code Stripe-Signature} (null = no header). Not logged in {@link #webhookDeliveries()}. Returns the HTTP status,
     * or -1 on an I/O error.
     *
     * @throws IllegalStateException when no endpoint is configured
     */
    public int deliverRaw(String body, String signatureHeader) {
        return webhooks.deliverRaw(body, signatureHeader);
    }

    /** {@code t=<timestamp>,v1=<hex HMAC-SHA256(secret, timestamp + "." + body)>}, exactly as Stripe signs. */
    public static String signatureHeader(long timestamp, String body, String secret) {
        return WebhookSender.signatureHeader(timestamp, body, secret);
    }

    /** One {@code v1} per secret, in order ({@code t=…,v1=…,v1=…}), as during a secret rotation. */
    public static String signatureHeader(long timestamp, String body, String... secrets) {
        return WebhookSender.signatureHeader(timestamp, body, secrets);
    }
}
