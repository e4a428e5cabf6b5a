package io.twoway.reconcile;

/** Reconciliation and backfill: a run cannot start while another one of its kind is in progress. */
public class RunInProgress extends RuntimeException {

    private final long runningId;

    public RunInProgress(String what, long runningId) {
        super(what + " " + runningId + " is in progress");
        this.runningId = runningId;
    }

    public long runningId() {
        return runningId;
    }
}
