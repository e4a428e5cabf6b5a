package io.twoway.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongFunction;

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

    /**
     * A bulk request's answer: each id is handled on its own ({@code one} returns what it did, or throws an
     * {@link ApiException}), and the answer says per id what happened (200, or the error's status and reason), and in
     * its message how many of them {@code done} (as "conflict(s) resolved").
     */
    public static Map<String, Object> bulk(List<Long> ids, String done, LongFunction<String> one) {
        List<Map<String, Object>> results = new ArrayList<>();
        int resolved = 0;
        for (long id : ids) {
            Map<String, Object> result = new LinkedHashMap<>();
            result.put("id", id);
            try {
                result.put("message", one.apply(id));
                result.put("status", 200);
                resolved++;
            } catch (ApiException e) {
                result.put("message", e.getMessage());
                result.put("status", e.status());
            }
            results.add(result);
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("resolved", resolved);
        data.put("failed", results.size() - resolved);
        data.put("results", results);
        return success(resolved + " of " + results.size() + " " + done, data);
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
