package io.twoway.salesforcesandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** One record's outcome in a write call: its id (null when there is none), whether it was created, or its error. */
record WriteResult(String id, boolean created, SalesforceException error) {

    static WriteResult failed(String id, SalesforceException error) {
        return new WriteResult(id, false, error);
    }

    boolean success() {
        return error == null;
    }

    /** A success undone because another record of an allOrNone call failed: a created record has no id any more. */
    WriteResult rolledBack() {
        return failed(created ? null : id, SalesforceErrors.rolledBack());
    }

    /** {@code {"id","success"[,"created"],"errors":[…]}}, as sObject Collections answer per record. */
    Map<String, Object> json(boolean withCreated) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", id);
        out.put("success", success());
        if (withCreated) {
            out.put("created", created);
        }
        out.put("errors", success() ? List.of() : List.of(error.recordError()));
        return out;
    }
}
