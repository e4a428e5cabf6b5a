package io.twoway.api;

import java.util.List;
import java.util.Map;

/** HTTP API: a request that cannot be served, carrying the status and the per-field errors the client sees. */
public class ApiException extends RuntimeException {

    private final int status;
    private final List<Map<String, Object>> errors;
    private final Map<String, Object> data;

    public ApiException(int status, String message) {
        this(status, message, List.of());
    }

    public ApiException(int status, String message, List<Map<String, Object>> errors) {
        this(status, message, errors, null);
    }

    /** {@code data}: what the client needs to act on the error (the id of the run in the way, say); may be null. */
    public ApiException(int status, String message, List<Map<String, Object>> errors, Map<String, Object> data) {
        super(message);
        this.status = status;
        this.errors = List.copyOf(errors);
        this.data = data;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    public static Map<String, Object> fieldError(String field, String message) {
        return Map.of("field", field, "message", message);
    }

    public int status() {
        return status;
    }

    public List<Map<String, Object>> errors() {
        return errors;
    }

    public Map<String, Object> data() {
        return data;
    }
}
