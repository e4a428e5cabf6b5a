package io.twoway.sandbox;

import java.time.Instant;
import java.util.Map;

/** One HTTP request the sandbox answered, with its decoded parameters and outcome. */
public record RecordedRequest(Instant at, String method, String path, Map<String, String> query,
                              Map<String, String> form, String idempotencyKey, int status, boolean replayed) {
}
