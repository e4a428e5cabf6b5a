package io.twoway.stripe;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Outward sync: what this instance's Stripe consumer did lately, for {@code /admin/integrations/status}: its last
 * success, its last failure with the reason, and counts since start (events applied, failed attempts, dead letters).
 */
@Component
public class SyncActivity {

    private final AtomicLong applied = new AtomicLong();
    private final AtomicLong failedAttempts = new AtomicLong();
    private final AtomicLong deadLettered = new AtomicLong();
    private volatile Instant lastSuccessAt;
    private volatile Instant lastFailureAt;
    private volatile String lastFailure;

    public void applied() {
        applied.incrementAndGet();
        lastSuccessAt = Instant.now();
    }

    public void failed(String reason) {
        failedAttempts.incrementAndGet();
        lastFailureAt = Instant.now();
        lastFailure = reason;
    }

    public void deadLettered() {
        deadLettered.incrementAndGet();
    }

    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("last_success_at", lastSuccessAt == null ? null : lastSuccessAt.toString());
        json.put("last_failure_at", lastFailureAt == null ? null : lastFailureAt.toString());
        json.put("last_failure", lastFailure);
        json.put("applied", applied.get());
        json.put("failed_attempts", failedAttempts.get());
        json.put("dead_lettered", deadLettered.get());
        json.put("counted_since", "this instance's start");
        return json;
    }
}
