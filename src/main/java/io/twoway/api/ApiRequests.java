package io.twoway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** HTTP API: reading path ids, query parameters and JSON bodies, with the 400 answers every endpoint shares. */
public final class ApiRequests {

    public static final String ACTOR_HEADER = "X-Actor";
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiRequests() {}

    /** A positive whole number from the path (header {@code name}). */
    public static long pathId(Message in, String name, String what) {
        String raw = in.getHeader(name, String.class);
        try {
            long id = Long.parseLong(raw);
            if (id > 0) {
                return id;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new ApiException(400, what + " id must be a positive whole number", List.of(ApiException.fieldError(name, "must be a positive whole number")));
    }

    public static int queryInt(Message in, String name, int min, int max, int fallback) {
        String raw = in.getHeader(name, String.class);
        if (raw == null) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(raw.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        String rule = max == Integer.MAX_VALUE ? "a whole number >= " + min : "a whole number from " + min + " to " + max;
        throw new ApiException(400, "Invalid query parameter " + name, List.of(ApiException.fieldError(name, "must be " + rule)));
    }

    /** Who asks: the {@code X-Actor} header (trimmed, at most 128 characters), else {@code admin}; kept in audit records. */
    public static String actor(Message in) {
        String actor = in.getHeader(ACTOR_HEADER, String.class);
        return actor == null || actor.isBlank() ? "admin" : actor.strip().substring(0, Math.min(actor.strip().length(), 128));
    }

    /** An optional true/false query parameter; {@code fallback} when absent. */
    public static Boolean queryBoolean(Message in, String name, Boolean fallback) {
        String raw = in.getHeader(name, String.class);
        if (raw == null || raw.isEmpty()) {
            return fallback;
        }
        if (raw.equalsIgnoreCase("true") || raw.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(raw);
        }
        throw new ApiException(400, "Invalid query parameter " + name, List.of(ApiException.fieldError(name, "must be true or false")));
    }

    /** Adds a field error for each field of the body that is not {@code allowed}. */
    public static void unknownFields(JsonNode body, Set<String> allowed, List<Map<String, Object>> errors) {
        body.fieldNames().forEachRemaining(field -> {
            if (!allowed.contains(field)) {
                errors.add(ApiException.fieldError(field, "unknown field"));
            }
        });
    }

    /**
     * The {@code ids} of a bulk request: 1 to {@code max} positive whole numbers, duplicates dropped; a field error for
     * anything else.
     */
    public static List<Long> ids(JsonNode body, int max, String what, List<Map<String, Object>> errors) {
        JsonNode idsNode = body.get("ids");
        if (idsNode == null || !idsNode.isArray() || idsNode.isEmpty() || idsNode.size() > max) {
            errors.add(ApiException.fieldError("ids", "must be a list of 1 to " + max + " " + what + " ids"));
            return List.of();
        }
        Set<Long> unique = new LinkedHashSet<>();
        idsNode.forEach(n -> {
            if (n.isIntegralNumber() && n.canConvertToLong() && n.asLong() > 0) {
                unique.add(n.asLong());
            } else {
                errors.add(ApiException.fieldError("ids", "every id must be a positive whole number, not " + n));
            }
        });
        return List.copyOf(unique);
    }

    /** A page of a list: the total that matches, the window asked for, and its items. */
    public static Map<String, Object> page(long total, int skip, int limit, List<?> items) {
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("total", total);
        page.put("skip", skip);
        page.put("limit", limit);
        page.put("items", items);
        return page;
    }

    /** An optional query parameter that must be one of {@code allowed}; null when absent. */
    public static String queryChoice(Message in, String name, Set<String> allowed) {
        String raw = in.getHeader(name, String.class);
        if (raw == null || raw.isEmpty()) {
            return null;
        }
        if (!allowed.contains(raw)) {
            throw new ApiException(400, "Invalid query parameter " + name,
                    List.of(ApiException.fieldError(name, "must be one of " + String.join(", ", allowed.stream().sorted().toList()))));
        }
        return raw;
    }

    /**
     * The request body as text; 413 past {@code maxBytes}. The server refuses a declared length over the limit before
     * reading; this catches a body sent without one (chunked, or HTTP/2).
     */
    public static String body(Message in, int maxBytes) {
        byte[] body = in.getBody(byte[].class);
        if (body == null) {
            return null;
        }
        if (body.length > maxBytes) {
            throw new ApiException(413, "Request body is larger than " + maxBytes + " bytes");
        }
        return new String(body, StandardCharsets.UTF_8);
    }

    /** The request body as a JSON object; 400 for another content type, malformed JSON or a non-object, 413 if too large. */
    public static JsonNode jsonObject(Exchange exchange, int maxBytes) {
        Message in = exchange.getMessage();
        return jsonObject(in.getHeader(Exchange.CONTENT_TYPE, String.class), body(in, maxBytes));
    }

    public static JsonNode jsonObject(String contentType, String body) {
        if (contentType == null || !contentType.toLowerCase().startsWith("application/json")) {
            throw ApiException.badRequest("Content-Type must be application/json");
        }
        JsonNode root;
        try {
            root = body == null || body.isBlank() ? null : JSON.readTree(body);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("Malformed JSON: " + e.getOriginalMessage());
        }
        if (root == null || !root.isObject()) {
            throw ApiException.badRequest("Request body must be a JSON object");
        }
        return root;
    }
}
