package io.twoway.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A response the sandbox is about to send: status, serialised JSON body, extra headers, and whether an idempotency
 * key may store it (Stripe does not store requests that failed parameter validation).
 */
record SandboxResponse(int status, String body, Map<String, String> headers, boolean storable) {

    static SandboxResponse ok(Object json) {
        return new SandboxResponse(200, SandboxJson.write(json), Map.of(), true);
    }

    SandboxResponse withHeader(String name, String value) {
        Map<String, String> h = new LinkedHashMap<>(headers);
        h.put(name, value);
        return new SandboxResponse(status, body, Map.copyOf(h), storable);
    }
}
