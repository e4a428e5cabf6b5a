package io.twoway.salesforcesandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP entry point for everything but the controls: the OAuth token endpoint, and the REST API under /services/data.
 * An API call passes, in order: the latency, the session check (401), then, except for /limits, the next queued
 * fault and the daily limit (403); only then is it counted and routed. Every request is logged, and every answer under
 * /services/data carries Sforce-Limit-Info.
 */
final class ApiHandler implements HttpHandler {

    static final String TOKEN_PATH = "/services/oauth2/token";
    private static final String DATA_ROOT = "/services/data/";
    private static final Logger log = LoggerFactory.getLogger(ApiHandler.class);

    /** An answer, and the user it was given to (null when the call had no valid session). */
    private record Answer(ApiResponse response, String userId) {
    }

    /** The resources API calls are routed to. */
    record Resources(RecordResource records, CollectionsResource collections, QueryResource queries,
                     DeletedResource deleted) {
    }

    private final SandboxClock clock;
    private final Sessions sessions;
    private final ApiUsage usage;
    private final FaultInjector faults;
    private final Resources resources;
    private final AtomicLong arrivals = new AtomicLong();
    private final ConcurrentSkipListMap<Long, RecordedRequest> requestLog = new ConcurrentSkipListMap<>();

    ApiHandler(SandboxClock clock, Sessions sessions, ApiUsage usage, FaultInjector faults, Resources resources) {
        this.clock = clock;
        this.sessions = sessions;
        this.usage = usage;
        this.faults = faults;
        this.resources = resources;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        long arrival = arrivals.getAndIncrement();
        Instant at = clock.now();
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String rawPath = exchange.getRequestURI().getRawPath();
        Map<String, String> query = FormData.decode(exchange.getRequestURI().getRawQuery());
        String body;
        try (InputStream in = exchange.getRequestBody()) {
            body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        String callOptions = exchange.getRequestHeaders().getFirst("Sforce-Call-Options");
        boolean api = rawPath.startsWith(DATA_ROOT);
        boolean token = rawPath.equals(TOKEN_PATH);
        Answer answer;
        try {
            if (token) {
                answer = token(method, body);
            } else if (api) {
                answer = api(method, rawPath.substring(DATA_ROOT.length()), query, body, callOptions,
                        exchange.getRequestHeaders().getFirst("Authorization"));
            } else {
                answer = new Answer(SalesforceErrors.notFound().toResponse(), null);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer = new Answer(SalesforceErrors.serverUnavailable().toResponse(), null);
        } catch (RuntimeException e) {
            log.warn("salesforce-sandbox internal error on {} {}", method, rawPath, e);
            answer = new Answer(SalesforceErrors.unknownException(e.toString()).toResponse(), null);
        }
        String path = FormData.segment(rawPath);
        int status = answer.response().status();
        requestLog.put(arrival, new RecordedRequest(at, method, path, Map.copyOf(query), callOptions,
                token ? body.replaceAll("(client_secret=)[^&]*", "$1***") : body, status, answer.userId()));
        send(exchange, answer.response(), api ? usage.header() : null);
        log.debug("salesforce-sandbox {} {} -> {}", method, path, status);
    }

    List<RecordedRequest> requests() {
        return List.copyOf(requestLog.values());
    }

    void clearRequests() {
        requestLog.clear();
    }

    private Answer token(String method, String body) {
        if (!method.equals("POST")) {
            return new Answer(Sessions.postRequired(), null);
        }
        Sessions.Issued issued = sessions.issue(FormData.decode(body));
        return new Answer(issued.response(), issued.userId());
    }

    /** {@code path}: the raw path after /services/data/, starting with the version. */
    private Answer api(String method, String path, Map<String, String> query, String body, String callOptions,
                       String authorization) throws InterruptedException {
        Duration latency = faults.latency();
        if (!latency.isZero()) {
            Thread.sleep(latency.toMillis());
        }
        Optional<Sessions.Session> session = sessions.authenticate(authorization);
        if (session.isEmpty()) {
            return new Answer(SalesforceErrors.invalidSession().toResponse(), null);
        }
        String userId = session.get().userId();
        try {
            List<String> segments = Arrays.stream(path.split("/")).map(FormData::segment).toList();
            if (segments.equals(List.of(SalesforceSandbox.API_VERSION, "limits"))) {
                return new Answer(limits(method), userId);
            }
            Fault fault = faults.next(!method.equals("GET")).orElse(null);
            if (fault == Fault.EXPIRED_SESSION) {
                sessions.invalidate(session.get().token());
                throw SalesforceErrors.invalidSession();
            }
            if (fault == Fault.SERVER_ERROR) {
                throw SalesforceErrors.serverUnavailable();
            }
            if (fault == Fault.LIMIT_EXCEEDED || !usage.count()) {
                throw SalesforceErrors.requestLimitExceeded();
            }
            if (!segments.get(0).equals(SalesforceSandbox.API_VERSION)) {
                throw SalesforceErrors.notFound();
            }
            ApiRequest request = new ApiRequest(method, segments.subList(1, segments.size()), query, body,
                    new Writer(userId, callOptions, true), fault == Fault.LOCK);
            return new Answer(route(request), userId);
        } catch (SalesforceException e) {
            return new Answer(e.toResponse(), userId);
        }
    }

    /** GET limits: answered even over the limit, and not counted, so a client can always see where it stands. */
    private ApiResponse limits(String method) {
        if (!method.equals("GET")) {
            throw SalesforceErrors.methodNotAllowed(method, List.of("GET"));
        }
        return ApiResponse.ok(usage.limits());
    }

    private ApiResponse route(ApiRequest request) {
        List<String> p = request.path();
        String resource = p.isEmpty() ? "" : p.get(0);
        if ((resource.equals("query") || resource.equals("queryAll")) && p.size() == 1) {
            request.allow("GET");
            return resources.queries().query(request.params().get("q"), resource.equals("queryAll"));
        }
        if (resource.equals("query") && p.size() == 2) {
            request.allow("GET");
            return resources.queries().more(p.get(1));
        }
        if (resource.equals("sobjects") && p.size() >= 2 && p.get(1).equalsIgnoreCase("Contact")) {
            return contact(request);
        }
        if (resource.equals("composite") && p.size() >= 2 && p.get(1).equals("sobjects")) {
            return collections(request);
        }
        throw SalesforceErrors.notFound();
    }

    /** sobjects/Contact[/…]. */
    private ApiResponse contact(ApiRequest request) {
        List<String> p = request.path();
        RecordResource records = resources.records();
        if (p.size() == 2) {
            request.allow("POST");
            return records.create(request);
        }
        if (p.size() == 3 && p.get(2).equals("deleted")) {
            request.allow("GET");
            return resources.deleted().deleted(request.params());
        }
        if (p.size() == 3) {
            request.allow("GET", "PATCH", "DELETE");
            return switch (request.method()) {
                case "GET" -> records.get(p.get(2));
                case "PATCH" -> records.update(request, p.get(2));
                default -> records.delete(request, p.get(2));
            };
        }
        if (p.size() == 4) {
            externalIdField(p.get(2));
            request.allow("GET", "PATCH");
            return request.method().equals("GET") ? records.getByCustomerId(p.get(3))
                    : records.upsert(request, p.get(3));
        }
        throw SalesforceErrors.notFound();
    }

    /** composite/sobjects[/Contact/Twoway_Customer_Id__c]. */
    private ApiResponse collections(ApiRequest request) {
        List<String> p = request.path();
        CollectionsResource collections = resources.collections();
        if (p.size() == 2) {
            request.allow("PATCH", "DELETE");
            return request.method().equals("PATCH") ? collections.update(request) : collections.delete(request);
        }
        if (p.size() == 4 && p.get(2).equalsIgnoreCase("Contact")) {
            externalIdField(p.get(3));
            request.allow("PATCH");
            return collections.upsert(request);
        }
        throw SalesforceErrors.notFound();
    }

    private static void externalIdField(String name) {
        if (!name.equalsIgnoreCase(ContactField.CUSTOMER_ID.apiName())) {
            throw SalesforceErrors.noSuchExternalIdField(name);
        }
    }

    private static void send(HttpExchange exchange, ApiResponse response, String limitInfo) throws IOException {
        if (limitInfo != null) {
            exchange.getResponseHeaders().set("Sforce-Limit-Info", limitInfo);
        }
        if (response.body() == null) {
            exchange.sendResponseHeaders(response.status(), -1);
            exchange.close();
            return;
        }
        byte[] bytes = SalesforceJson.write(response.body()).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
        exchange.sendResponseHeaders(response.status(), bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }
}
