package io.twoway.sandbox;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers signed event payloads to one endpoint on a single sender thread, retrying failures with backoff; can pause
 * delivery and apply {@link WebhookFaults} (drop, duplicate, delay, reorder) to new events.
 */
final class WebhookSender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    private static final Duration[] BACKOFF = {Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(3)};

    private record Endpoint(URI url, String secret) {
    }

    /** One event on its way out: the endpoint and reset generation it was queued under, and its faults. */
    private record Outgoing(long gen, Endpoint target, String eventId, String type, String body, int copies,
                            Duration delay) {
    }

    /** A delivery attempt waiting for {@link #resume()}. */
    private record Held(Outgoing event, int attempt) {
    }

    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stripe-sandbox-webhooks");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<WebhookDelivery> deliveries = new ArrayList<>();
    private final AtomicLong generation = new AtomicLong();
    private final WebhookFaults faults = new WebhookFaults();
    private final Object gate = new Object(); // guards paused, held and reorderBatch
    private final List<Held> held = new ArrayList<>();
    private final List<Outgoing> reorderBatch = new ArrayList<>();
    private boolean paused;
    private volatile Endpoint endpoint;
    private volatile Consumer<String> onDelivered = id -> { };

    void onDelivered(Consumer<String> callback) {
        this.onDelivered = callback;
    }

    void configure(String url, String secret) {
        endpoint = url == null ? null : new Endpoint(URI.create(url), secret == null ? "" : secret);
    }

    boolean enabled() {
        return endpoint != null;
    }

    String url() {
        Endpoint e = endpoint;
        return e == null ? null : e.url().toString();
    }

    String secret() {
        Endpoint e = endpoint;
        return e == null ? null : e.secret();
    }

    WebhookFaults faults() {
        return faults;
    }

    /**
     * Queues delivery of a new event body to the endpoint configured now, after applying the scripted faults. Called
     * in event creation order (under the event log's lock).
     */
    void enqueue(String eventId, String type, String body) {
        Endpoint target = endpoint;
        if (target == null) {
            return;
        }
        WebhookFaults.Plan plan = faults.next();
        if (plan.drop()) {
            record(new WebhookDelivery(Instant.now(), eventId, type, 0, 1, true));
            log.debug("stripe-sandbox webhook {} {} dropped", type, eventId);
            return;
        }
        Outgoing out = new Outgoing(generation.get(), target, eventId, type, body, plan.copies(), plan.delay());
        if (!plan.reorder()) {
            release(out);
            return;
        }
        synchronized (gate) {
            reorderBatch.add(out);
            if (plan.closesBatch()) {
                releaseBatchNewestFirst();
            }
        }
    }

    List<WebhookDelivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    void pause() {
        synchronized (gate) {
            paused = true;
        }
    }

    /** Sends the held attempts in the order they were held (creation order, unless a fault reordered them). */
    void resume() {
        synchronized (gate) {
            paused = false;
            List<Held> out = List.copyOf(held);
            held.clear();
            out.forEach(h -> submit(h.event(), h.attempt()));
        }
    }

    /** Clears the fault counters, releases a partly filled reorder batch (newest first) and resumes. */
    void clearFaults() {
        faults.clear();
        synchronized (gate) {
            releaseBatchNewestFirst();
            resume();
        }
    }

    boolean paused() {
        synchronized (gate) {
            return paused;
        }
    }

    /** Events waiting for {@link #resume()} or for their reorder batch to fill. */
    int heldCount() {
        synchronized (gate) {
            return held.size() + reorderBatch.size();
        }
    }

    /** Drops queued retries, held and delayed events, faults and the delivery log; resumes. */
    void reset() {
        generation.incrementAndGet();
        faults.clear();
        synchronized (gate) {
            paused = false;
            held.clear();
            reorderBatch.clear();
        }
        synchronized (deliveries) {
            deliveries.clear();
        }
    }

    /** POSTs {@code body} to the endpoint once, now, on the caller's thread; -1 on an I/O error. */
    int deliverRaw(String body, String signatureHeader) {
        Endpoint target = endpoint;
        if (target == null) {
            throw new IllegalStateException("no webhook endpoint configured");
        }
        try {
            return post(target, body, signatureHeader);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (Exception e) {
            return -1;
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }

    /** {@code t=<unix s>,v1=<hex HMAC-SHA256(secret, t + "." + body)>[,v1=…]}, one v1 per secret, as Stripe signs. */
    static String signatureHeader(long timestamp, String body, String... secrets) {
        Objects.requireNonNull(body, "body");
        StringBuilder header = new StringBuilder("t=").append(timestamp);
        for (String secret : secrets) {
            Objects.requireNonNull(secret, "secret");
            try {
                Mac mac = Mac.getInstance("HmacSHA256");
                mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
                byte[] sig = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
                header.append(",v1=").append(HexFormat.of().formatHex(sig));
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }
        return header.toString();
    }

    /** Applies the event's delay, then sends each copy. */
    private void release(Outgoing out) {
        if (out.delay().isZero()) {
            dispatch(out);
            return;
        }
        try {
            sender.schedule(() -> dispatch(out), out.delay().toMillis(), TimeUnit.MILLISECONDS);
        } catch (RejectedExecutionException closed) {
            log.debug("stripe-sandbox webhook sender closed; dropping {}", out.eventId());
        }
    }

    private void dispatch(Outgoing out) {
        for (int i = 0; i < out.copies(); i++) {
            send(out, 1);
        }
    }

    /** Caller holds {@link #gate}. */
    private void releaseBatchNewestFirst() {
        List<Outgoing> batch = new ArrayList<>(reorderBatch);
        reorderBatch.clear();
        for (int i = batch.size() - 1; i >= 0; i--) {
            release(batch.get(i));
        }
    }

    /** The pause gate: every attempt (first, copy, delayed, released or retry) passes here. */
    private void send(Outgoing out, int attempt) {
        synchronized (gate) {
            if (out.gen() != generation.get()) {
                return;
            }
            if (paused) {
                held.add(new Held(out, attempt));
            } else {
                submit(out, attempt);
            }
        }
    }

    private void submit(Outgoing out, int attempt) {
        try {
            sender.execute(() -> attempt(out, attempt));
        } catch (RejectedExecutionException closed) {
            log.debug("stripe-sandbox webhook sender closed; dropping {}", out.eventId());
        }
    }

    private void attempt(Outgoing out, int attempt) {
        if (out.gen() != generation.get()) {
            return;
        }
        int status;
        try {
            status = post(out.target(), out.body(),
                    signatureHeader(Instant.now().getEpochSecond(), out.body(), out.target().secret()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            status = -1;
        }
        if (out.gen() != generation.get()) {
            return;
        }
        record(new WebhookDelivery(Instant.now(), out.eventId(), out.type(), status, attempt));
        log.debug("stripe-sandbox webhook {} {} attempt {} -> {}", out.type(), out.eventId(), attempt, status);
        if (status >= 200 && status < 300) {
            onDelivered.accept(out.eventId());
        } else if (attempt <= BACKOFF.length) {
            try {
                sender.schedule(() -> send(out, attempt + 1), BACKOFF[attempt - 1].toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                log.debug("stripe-sandbox webhook sender closed; no retry for {}", out.eventId());
            }
        }
    }

    private int post(Endpoint target, String body, String signature)
            throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(target.url())
                .timeout(Duration.ofSeconds(5))
                .header("Content-Type", "application/json; charset=utf-8")
                .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (signature != null) {
            request.header("Stripe-Signature", signature);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private void record(WebhookDelivery delivery) {
        synchronized (deliveries) {
            deliveries.add(delivery);
        }
    }
}
