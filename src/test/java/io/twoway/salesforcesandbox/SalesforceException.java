package io.twoway.salesforcesandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A Salesforce error raised inside the sandbox: errorCode, message, the fields it concerns (null for call-level errors
 * such as INVALID_SESSION_ID, whose JSON has no fields), and the HTTP status a call that fails with it answers.
 * Collections calls catch it per record and report it with {@code statusCode} instead.
 */
final class SalesforceException extends RuntimeException {

    private final int status;
    private final String code;
    private final List<String> fields;

    SalesforceException(int status, String code, String message, List<String> fields) {
        super(message, null, false, false); // an answer, not a bug: no stack trace
        this.status = status;
        this.code = code;
        this.fields = fields == null ? null : List.copyOf(fields);
    }

    String code() {
        return code;
    }

    /** The answer to a call that fails with this error: {@code [{"message","errorCode"[,"fields"]}]}. */
    ApiResponse toResponse() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("message", getMessage());
        error.put("errorCode", code);
        if (fields != null) {
            error.put("fields", fields);
        }
        return new ApiResponse(status, List.of(error));
    }

    /** One record's error inside a collections answer: {@code {"statusCode","message","fields"}}. */
    Map<String, Object> recordError() {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("statusCode", code);
        error.put("message", getMessage());
        error.put("fields", fields == null ? List.of() : fields);
        return error;
    }
}
