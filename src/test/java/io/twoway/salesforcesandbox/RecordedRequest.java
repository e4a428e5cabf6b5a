package io.twoway.salesforcesandbox;

import java.time.Instant;
import java.util.Map;

/**
 * One request the sandbox answered (controls are not recorded): when (by the sandbox clock), method, decoded path,
 * query parameters, the Sforce-Call-Options header, the body (a token call's client_secret masked), the status, and
 * the user whose token it carried or was issued (null when none).
 */
public record RecordedRequest(Instant at, String method, String path, Map<String, String> query, String callOptions,
                              String body, int status, String userId) {
}
