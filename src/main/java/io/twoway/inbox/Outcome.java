package io.twoway.inbox;

/** Inward sync: what applying one webhook event did, stored as the event's status and outcome. */
public record Outcome(String status, String detail) {

    public static final String PENDING = "pending";
    public static final String APPLIED = "applied";
    public static final String CONFLICT = "conflict";
    public static final String ECHO = "echo";
    public static final String STALE = "stale";
    public static final String NOOP = "noop";
    public static final String SKIPPED = "skipped";
    public static final String IGNORED = "ignored";
    public static final String PARKED = "parked";

    public static Outcome of(String status, String detail) {
        return new Outcome(status, detail);
    }
}
