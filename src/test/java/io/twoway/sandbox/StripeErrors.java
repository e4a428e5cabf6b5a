package io.twoway.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/** Builds Stripe-shaped error responses ({@code {"error":{type,code,message,param}}}) and the exception that carries them. */
final class StripeErrors {

    static final String RATE_LIMIT_MESSAGE = "Too many requests hit the API too quickly. "
            + "We recommend an exponential backoff of your requests.";

    private StripeErrors() {
    }

    /** Thrown by request handlers; turned into the error response by the router. */
    static final class Failure extends RuntimeException {
        final int status;
        final String type;
        final String code;
        final String param;
        final boolean storable;

        Failure(int status, String type, String code, String message, String param, boolean storable) {
            super(message, null, false, false);
            this.status = status;
            this.type = type;
            this.code = code;
            this.param = param;
            this.storable = storable;
        }

        SandboxResponse toResponse() {
            return response(status, type, code, getMessage(), param, storable);
        }
    }

    static SandboxResponse response(int status, String type, String code, String message, String param,
                                    boolean storable) {
        Map<String, Object> error = new LinkedHashMap<>();
        if (code != null) {
            error.put("code", code);
            error.put("doc_url", "https://stripe.com/docs/error-codes/" + code.replace('_', '-'));
        }
        error.put("message", message);
        if (param != null) {
            error.put("param", param);
        }
        error.put("type", type);
        return new SandboxResponse(status, SandboxJson.write(Map.of("error", error)), Map.of(), storable);
    }

    /** Parameter validation failure: 400, never stored under an idempotency key. */
    static Failure invalid(String code, String message, String param) {
        return new Failure(400, "invalid_request_error", code, message, param, false);
    }

    static Failure unknownParameter(String param) {
        return invalid("parameter_unknown", "Received unknown parameter: " + param, param);
    }

    static Failure missing(String objectName, String id, String param) {
        return new Failure(404, "invalid_request_error", "resource_missing",
                "No such " + objectName + ": '" + id + "'", param, true);
    }

    static Failure unrecognizedUrl(String method, String path) {
        return new Failure(404, "invalid_request_error", null, "Unrecognized request URL (" + method + ": " + path
                + "). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.", null, false);
    }

    static SandboxResponse unauthorized(String key) {
        String message = key == null || key.isEmpty()
                ? "You did not provide an API key. You need to provide your API key in the Authorization header, "
                  + "using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY')."
                : "Invalid API Key provided: " + mask(key);
        return response(401, "invalid_request_error", null, message, null, false);
    }

    static SandboxResponse rateLimited() {
        return response(429, "rate_limit_error", "rate_limit", RATE_LIMIT_MESSAGE, null, false);
    }

    /** The error an injected fault answers with, chosen by status like Stripe would. */
    static SandboxResponse forStatus(int status) {
        return switch (status) {
            case 400 -> response(400, "invalid_request_error", null, "Injected invalid request.", null, false);
            case 401 -> unauthorized("sk_test_injected");
            case 402 -> response(402, "card_error", "card_declined", "Your card was declined.", null, false);
            case 403 -> response(403, "invalid_request_error", null,
                    "The provided key does not have the required permissions for this endpoint.", null, false);
            case 404 -> response(404, "invalid_request_error", "resource_missing", "No such object.", "id", false);
            case 409 -> response(409, "invalid_request_error", "lock_timeout",
                    "This object cannot be accessed right now because another API request or Stripe process is "
                    + "currently accessing it. If you see this error intermittently, retry the request.", null, false);
            case 429 -> rateLimited();
            default -> response(status, "api_error", null,
                    "An unknown error occurred (sandbox injected HTTP " + status + ").", null, false);
        };
    }

    static String mask(String key) {
        if (key.length() <= 12) {
            return "*".repeat(key.length());
        }
        return key.substring(0, 8) + "*".repeat(key.length() - 12) + key.substring(key.length() - 4);
    }
}
