package io.twoway.salesforce;

/**
 * A Salesforce call that failed, with what the caller should do about it: {@code RETRYABLE} (row lock, 5xx, timeout,
 * no answer: try again later), {@code BUDGET} (the daily API budget is spent, or Salesforce refused with
 * REQUEST_LIMIT_EXCEEDED: wait, lose nothing, never a failure of the record) or {@code PERMANENT} (the request itself
 * is refused: dead-letter it). {@code errorCode} is Salesforce's ({@code UNABLE_TO_LOCK_ROW}, …) when it gave one.
 */
public class SalesforceException extends RuntimeException {

    public enum Kind { RETRYABLE, BUDGET, PERMANENT }

    private final Kind kind;
    private final String errorCode;
    private final int httpStatus;

    public SalesforceException(Kind kind, String errorCode, int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
        this.errorCode = errorCode;
        this.httpStatus = httpStatus;
    }

    public Kind kind() {
        return kind;
    }

    public String errorCode() {
        return errorCode;
    }

    /** The HTTP status of the answer; 0 when there was none. */
    public int httpStatus() {
        return httpStatus;
    }

    /** The kind of a Salesforce error code: retryable, or permanent (validation, malformed request, ...). */
    public static Kind kindOf(String errorCode, int httpStatus) {
        if ("REQUEST_LIMIT_EXCEEDED".equals(errorCode)) {
            return Kind.BUDGET;
        }
        if ("UNABLE_TO_LOCK_ROW".equals(errorCode) || "SERVER_UNAVAILABLE".equals(errorCode) || httpStatus >= 500 || httpStatus == 0) {
            return Kind.RETRYABLE;
        }
        return Kind.PERMANENT;
    }
}
