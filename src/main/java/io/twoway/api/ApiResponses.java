package io.twoway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** HTTP API: the response envelopes, {@code {"status":"success",...}} and {@code {"status":"error",...}}. */
public final class ApiResponses {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ApiResponses() {}

    public static Map<String, Object> success(String message, Object data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "success");
        if (message != null) {
            body.put("message", message);
        }
        body.put("data", data);
        return body;
    }

    public static Map<String, Object> error(String message, List<Map<String, Object>> errors) {
        return error(message, errors, null);
    }

    /** The error envelope; {@code data} only when the error carries some. */
    public static Map<String, Object> error(String message, List<Map<String, Object>> errors, Map<String, Object> data) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", "error");
        body.put("message", message);
        body.put("errors", errors);
        if (data != null) {
            body.put("data", data);
        }
        return body;
    }

    public static String errorJson(String message, List<Map<String, Object>> errors) {
        return errorJson(message, errors, null);
    }

    public static String errorJson(String message, List<Map<String, Object>> errors, Map<String, Object> data) {
        try {
            return JSON.writeValueAsString(error(message, errors, data));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
