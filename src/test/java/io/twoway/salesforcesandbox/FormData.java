package io.twoway.salesforcesandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** Decoding of query strings, form bodies and path segments; a malformed escape ({@code %zz}) stays as sent. */
final class FormData {

    private FormData() {
    }

    /** {@code a=1&b=2} (also a form body), decoded; the first of repeated names wins. */
    static Map<String, String> decode(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = decoded(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decoded(pair.substring(eq + 1));
            out.putIfAbsent(name, value);
        }
        return out;
    }

    /** A percent-encoded path segment, decoded; unlike in a query string, {@code +} stays {@code +}. */
    static String segment(String raw) {
        return decoded(raw.replace("+", "%2B"));
    }

    private static String decoded(String raw) {
        try {
            return URLDecoder.decode(raw, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return raw;
        }
    }
}
