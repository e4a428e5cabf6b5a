package io.twoway.sandbox;

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

/** Delivers signed event payloads to one endpoint on a single sender thread, retrying failures with backoff. */
final class WebhookSender implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WebhookSender.class);
    private static final Duration[] BACKOFF = {Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(3)};

    private record Endpoint(URI url, String secret) {
    }

    private final ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stripe-sandbox-webhooks");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final List<WebhookDelivery> deliveries = new ArrayList<>();
    private final AtomicLong generation = new AtomicLong();
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

    /** Queues delivery of an event body to the endpoint configured now. */
    void enqueue(String eventId, String type, String body) {
        Endpoint target = endpoint;
        if (target != null) {
            long gen = generation.get();
            try {
                sender.execute(() -> attempt(gen, target, eventId, type, body, 1));
            } catch (RejectedExecutionException closed) {
                log.debug("stripe-sandbox webhook sender closed; dropping {}", eventId);
            }
        }
    }

    List<WebhookDelivery> deliveries() {
        synchronized (deliveries) {
            return List.copyOf(deliveries);
        }
    }

    /** Drops queued retries and the delivery log. */
    void reset() {
        generation.incrementAndGet();
        synchronized (deliveries) {
            deliveries.clear();
        }
    }

    @Override
    public void close() {
        sender.shutdownNow();
    }

    /** {@code t=<unix s>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}, as Stripe signs webhooks. */
    static String signatureHeader(long timestamp, String body, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] sig = mac.doFinal((timestamp + "." + body).getBytes(StandardCharsets.UTF_8));
            return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private void attempt(long gen, Endpoint target, String eventId, String type, String body, int attempt) {
        if (gen != generation.get()) {
            return;
        }
        int status;
        try {
            HttpRequest request = HttpRequest.newBuilder(target.url())
                    .timeout(Duration.ofSeconds(5))
                    .header("Content-Type", "application/json; charset=utf-8")
                    .header("User-Agent", "Stripe/1.0 (+https://stripe.com/docs/webhooks)")
                    .header("Stripe-Signature",
                            signatureHeader(Instant.now().getEpochSecond(), body, target.secret()))
                    .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                    .build();
            status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } catch (Exception e) {
            status = -1;
        }
        if (gen != generation.get()) {
            return;
        }
        synchronized (deliveries) {
            deliveries.add(new WebhookDelivery(Instant.now(), eventId, type, status, attempt));
        }
        log.debug("stripe-sandbox webhook {} {} attempt {} -> {}", type, eventId, attempt, status);
        if (status >= 200 && status < 300) {
            onDelivered.accept(eventId);
        } else if (attempt <= BACKOFF.length) {
            try {
                sender.schedule(() -> attempt(gen, target, eventId, type, body, attempt + 1),
                        BACKOFF[attempt - 1].toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException closed) {
                log.debug("stripe-sandbox webhook sender closed; no retry for {}", eventId);
            }
        }
    }
}
