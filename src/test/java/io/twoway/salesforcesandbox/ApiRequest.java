package io.twoway.salesforcesandbox;

import java.util.List;
import java.util.Map;

/**
 * An authenticated API call that passed faults and the limit, as the resources see it: the decoded path segments after
 * {@code /services/data/v62.0}, the query parameters, the body, who writes, and whether a LOCK fault hits it.
 */
record ApiRequest(String method, List<String> path, Map<String, String> params, String body, Writer writer,
                  boolean locked) {

    /** @throws SalesforceException METHOD_NOT_ALLOWED for any other method */
    void allow(String... methods) {
        if (!List.of(methods).contains(method)) {
            throw SalesforceErrors.methodNotAllowed(method, List.of(methods));
        }
    }
}
