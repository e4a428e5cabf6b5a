package io.twoway.salesforcesandbox;

/** A failure that {@link SalesforceSandbox#failNext(int, Fault)} queues for the next API calls under /services/data. */
public enum Fault {
    /** 401 INVALID_SESSION_ID, and the token the call used stops working: the client must fetch a new one. */
    EXPIRED_SESSION,
    /** 503 SERVER_UNAVAILABLE. */
    SERVER_ERROR,
    /** 403 REQUEST_LIMIT_EXCEEDED, whatever the usage. */
    LIMIT_EXCEEDED,
    /**
     * Row lock contention, which only writes meet: a read passes and leaves it queued for the next write. Every record
     * of a collections call fails with UNABLE_TO_LOCK_ROW and nothing is written; a single-record write answers 400.
     */
    LOCK
}
