package io.twoway.salesforcesandbox;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local-run controls under {@code /_sandbox/}, parameters in the query string and JSON out: {@code GET requests} (the
 * request log), {@code POST faults?fault=EXPIRED_SESSION&count=1}, {@code POST usage?used=N&max=M} (either or both),
 * {@code GET contacts} (the live ones). No token; never logged, counted or faulted. Bad parameters answer 400 and an
 * unknown control 404, with {@code {"error":"…"}}.
 */
final class SandboxControls implements HttpHandler {

    static final String PREFIX = "/_sandbox/";
    private static final Logger log = LoggerFactory.getLogger(SandboxControls.class);

    private final SalesforceSandbox sandbox;

    SandboxControls(SalesforceSandbox sandbox) {
        this.sandbox = sandbox;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String method = exchange.getRequestMethod().toUpperCase(Locale.ROOT);
        String path = exchange.getRequestURI().getPath().replaceAll("/+$", "");
        Map<String, String> params = FormData.decode(exchange.getRequestURI().getRawQuery());
        exchange.getRequestBody().close();
        int status = 200;
        Object body;
        try {
            body = route(method, path, params);
            if (body == null) {
                status = 404;
                body = Map.of("error", "no such control: " + method + " " + path);
            }
        } catch (IllegalArgumentException e) {
            status = 400;
            body = Map.of("error", String.valueOf(e.getMessage()));
        }
        log.info("salesforce-sandbox control {} {} -> {}", method, path, status);
        byte[] bytes = SalesforceJson.write(body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json;charset=UTF-8");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    /** The answer's body; null for an unknown control. */
    private Object route(String method, String path, Map<String, String> params) {
        switch (method + " " + path) {
            case "GET /_sandbox/requests":
                return sandbox.requests().stream().map(SandboxControls::json).toList();
            case "POST /_sandbox/faults":
                return faults(params);
            case "POST /_sandbox/usage":
                return usage(params);
            case "GET /_sandbox/contacts":
                return sandbox.contacts().stream().map(Contact::fields).toList();
            default:
                return null;
        }
    }

    private Map<String, Object> faults(Map<String, String> params) {
        String name = params.get("fault");
        if (name == null) {
            throw new IllegalArgumentException("fault is required: one of EXPIRED_SESSION, SERVER_ERROR,"
                    + " LIMIT_EXCEEDED, LOCK");
        }
        Fault fault = Fault.valueOf(name.toUpperCase(Locale.ROOT));
        int count = params.containsKey("count") ? integer(params, "count") : 1;
        sandbox.failNext(count, fault);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("fault", fault.name());
        out.put("count", count);
        return out;
    }

    private Map<String, Object> usage(Map<String, String> params) {
        if (!params.containsKey("used") && !params.containsKey("max")) {
            throw new IllegalArgumentException("give used, max or both");
        }
        int used = params.containsKey("used") ? integer(params, "used") : sandbox.usage();
        int max = params.containsKey("max") ? integer(params, "max") : sandbox.dailyLimit();
        sandbox.setDailyLimit(max);
        sandbox.setUsage(used);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("used", used);
        out.put("max", max);
        return out;
    }

    private static int integer(Map<String, String> params, String name) {
        try {
            return Integer.parseInt(params.get(name));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + " must be an integer: " + params.get(name));
        }
    }

    private static Map<String, Object> json(RecordedRequest r) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("at", r.at().toString());
        out.put("method", r.method());
        out.put("path", r.path());
        out.put("query", r.query());
        out.put("callOptions", r.callOptions());
        out.put("body", r.body());
        out.put("status", r.status());
        out.put("userId", r.userId());
        return out;
    }
}
