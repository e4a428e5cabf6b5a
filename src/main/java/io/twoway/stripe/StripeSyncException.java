package io.twoway.stripe;

/** Outward sync: a failed Stripe call, classified as transient (redelivered) or permanent (dead-lettered at once). */
public class StripeSyncException extends RuntimeException {

    private final Integer httpStatus;
    private final String stripeCode;

    public StripeSyncException(String message, Integer httpStatus, String stripeCode, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
        this.stripeCode = stripeCode;
    }

    public Integer httpStatus() {
        return httpStatus;
    }

    public String stripeCode() {
        return stripeCode;
    }

    /** I/O errors, timeouts, 429, 409 (lock or in-flight idempotent request) and 5xx: worth another try. */
    public static class Transient extends StripeSyncException {
        public Transient(String message, Integer httpStatus, String stripeCode, Throwable cause) {
            super(message, httpStatus, stripeCode, cause);
        }
    }

    /**
     * 429: Stripe is up and asks for fewer requests. Never dead-lettered, never counted as an attempt, and no failure
     * for the breaker; the rate governor holds every sender back for the {@code Retry-After}.
     */
    public static class RateLimited extends Transient {
        public RateLimited(String message, Integer httpStatus, String stripeCode, Throwable cause) {
            super(message, httpStatus, stripeCode, cause);
        }
    }

    /** Any other 4xx: the request itself is wrong, so retrying cannot help. */
    public static class Permanent extends StripeSyncException {
        public Permanent(String message, Integer httpStatus, String stripeCode, Throwable cause) {
            super(message, httpStatus, stripeCode, cause);
        }
    }
}
