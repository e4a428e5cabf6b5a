package io.twoway.sandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** HTTP entry point: delay/fault injection, auth, rate limit, idempotency, routing, request log, response headers. */
final class SandboxHandler implements HttpHandler {

    private static final Logger log = LoggerFactory.getLogger(SandboxHandler.class);

    private final FaultInjector faults;
    private final IdempotencyStore idempotency;
    private final CustomerApi customers;
    private final EventLog events;
    private final AtomicLong arrivals = new AtomicLong();
    private final ConcurrentSkipListMap<Long, RecordedRequest> requestLog = new ConcurrentSkipListMap<>();

    SandboxHandler(FaultInjector faults, IdempotencyStore idempotency, CustomerApi customers, EventLog events) {
        this.faults = faults;
        this.idempotency = idempotency;
        this.customers = customers;
        this.events = events;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long arrival = arrivals.getAndIncrement();
        Instant at = Instant.now();
        long started = System.nanoTime();
        String requestId = StripeIds.request();
        String method = exchange.getRequestMethod().toUpperCase();
        String path = URLDecoder.decode(exchange.getRequestURI().getRawPath(), StandardCharsets.UTF_8);
        Map<String, String> query = FormDecoder.flat(exchange.getRequestURI().getRawQuery());
        Map<String, String> form;
        try (InputStream in = exchange.getRequestBody()) {
            form = FormDecoder.flat(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        }
        String idempotencyKey = exchange.getRequestHeaders().getFirst("Idempotency-Key");
        SandboxResponse response;
        try {
            response = process(exchange, method, path, query, form, idempotencyKey, requestId);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            response = StripeErrors.forStatus(503);
        } catch (RuntimeException e) {
            log.warn("stripe-sandbox internal error on {} {}", method, path, e);
            response = StripeErrors.forStatus(500);
        }
        boolean replayed = response.headers().containsKey("Idempotent-Replayed");
        requestLog.put(arrival, new RecordedRequest(at, method, path, Map.copyOf(query), Map.copyOf(form),
                idempotencyKey, response.status(), replayed));
        send(exchange, response, requestId, idempotencyKey);
        log.info("stripe-sandbox {} {} -> {}{} ({} ms)", method, path, response.status(), replayed ? " replayed" : "",
                (System.nanoTime() - started) / 1_000_000);
    }

    List<RecordedRequest> requests() {
        return List.copyOf(requestLog.values());
    }

    void reset() {
        requestLog.clear();
    }

    private SandboxResponse process(HttpExchange exchange, String method, String path, Map<String, String> query,
                                    Map<String, String> form, String idempotencyKey, String requestId)
            throws InterruptedException {
        Optional<SandboxResponse> injected = faults.nextFailure(method, path);
        if (injected.isPresent()) {
            return injected.get(); // like a load-balancer failure: before execution, never stored under the key
        }
        String apiKey = apiKey(exchange.getRequestHeaders().getFirst("Authorization"));
        if (apiKey == null || !apiKey.startsWith("sk_test_")) {
            return StripeErrors.unauthorized(apiKey);
        }
        if (!faults.admit()) {
            return StripeErrors.rateLimited();
        }
        Map<String, String> flatParams = new TreeMap<>(query);
        flatParams.putAll(form);
        boolean idempotent = idempotencyKey != null && (method.equals("POST") || method.equals("DELETE"));
        if (!idempotent) {
            delay(method, path);
            return route(method, path, flatParams, new RequestContext(requestId, null));
        }
        if (idempotencyKey.length() > IdempotencyStore.MAX_KEY_LENGTH) {
            return StripeErrors.invalid(null, "Invalid idempotency key: must be at most "
                    + IdempotencyStore.MAX_KEY_LENGTH + " characters.", "idempotency_key").toResponse();
        }
        IdempotencyStore.Decision decision = idempotency.begin(apiKey, idempotencyKey,
                new IdempotencyStore.Fingerprint(method, path, Map.copyOf(flatParams)));
        if (!decision.proceed()) {
            return decision.replay() != null ? decision.replay() : decision.conflict();
        }
        SandboxResponse response = StripeErrors.forStatus(500);
        try {
            delay(method, path); // while the key is claimed, so a concurrent retry sees "in progress"
            response = route(method, path, flatParams, new RequestContext(requestId, idempotencyKey))
                    .withHeader("Original-Request", requestId);
            return response;
        } finally {
            idempotency.complete(apiKey, idempotencyKey, response);
        }
    }

    /** delayNext: sleeps just before executing (after faults, auth, rate limit and the idempotency claim). */
    private void delay(String method, String path) throws InterruptedException {
        Optional<Duration> delay = faults.nextDelay(method, path);
        if (delay.isPresent()) {
            Thread.sleep(delay.get().toMillis());
        }
    }

    private SandboxResponse route(String method, String path, Map<String, String> flatParams, RequestContext ctx) {
        try {
            Map<String, Object> params = FormDecoder.nested(flatParams);
            String[] seg = path.replaceAll("/+$", "").split("/");
            // seg[0] is "" (leading slash), seg[1] "v1", seg[2] resource, seg[3] id
            if (seg.length >= 3 && seg.length <= 4 && seg[1].equals("v1")) {
                String id = seg.length == 4 ? seg[3] : null;
                if (seg[2].equals("customers") && !"search".equals(id)) {
                    Object body = switch (method + (id == null ? "" : " id")) {
                        case "GET" -> customers.list(params);
                        case "POST" -> customers.create(params, ctx);
                        case "GET id" -> customers.retrieve(id, params);
                        case "POST id" -> customers.update(id, params, ctx);
                        case "DELETE id" -> customers.delete(id, params, ctx);
                        default -> null;
                    };
                    if (body != null) {
                        return SandboxResponse.ok(body);
                    }
                } else if (seg[2].equals("events") && method.equals("GET")) {
                    return SandboxResponse.ok(id == null ? events.list(params) : events.retrieve(id));
                }
            }
            throw StripeErrors.unrecognizedUrl(method, path);
        } catch (StripeErrors.Failure f) {
            return f.toResponse();
        }
    }

    /** The secret key from {@code Bearer <key>} or HTTP Basic {@code <key>:}; null when absent. */
    private static String apiKey(String authorization) {
        if (authorization == null) {
            return null;
        }
        if (authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return authorization.substring(7).trim();
        }
        if (authorization.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String decoded = new String(Base64.getDecoder().decode(authorization.substring(6).trim()),
                        StandardCharsets.UTF_8);
                int colon = decoded.indexOf(':');
                return colon < 0 ? decoded : decoded.substring(0, colon);
            } catch (IllegalArgumentException e) {
                return "";
            }
        }
        return "";
    }

    private static void send(HttpExchange exchange, SandboxResponse response, String requestId, String idempotencyKey)
            throws IOException {
        var headers = exchange.getResponseHeaders();
        headers.set("Content-Type", "application/json");
        headers.set("Request-Id", requestId);
        headers.set("Stripe-Version", Optional.ofNullable(exchange.getRequestHeaders().getFirst("Stripe-Version"))
                .orElse(EventLog.API_VERSION));
        if (idempotencyKey != null) {
            headers.set("Idempotency-Key", idempotencyKey);
        }
        response.headers().forEach(headers::set);
        byte[] body = response.body().getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(response.status(), body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }
}
