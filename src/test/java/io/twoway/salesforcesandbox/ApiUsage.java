package io.twoway.salesforcesandbox;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The org's API request count against its daily limit, which Sforce-Limit-Info and /limits report. There is no rolling
 * 24-hour window: usage only falls when a test sets it.
 */
final class ApiUsage {

    static final int DEFAULT_DAILY_LIMIT = 100_000;

    private int used;
    private int max = DEFAULT_DAILY_LIMIT;

    /** Counts one call; false, counting nothing, when the limit is already reached. */
    synchronized boolean count() {
        if (used >= max) {
            return false;
        }
        used++;
        return true;
    }

    synchronized String header() {
        return "api-usage=" + used + "/" + max;
    }

    /** {@code {"DailyApiRequests":{"Max","Remaining"}}}. */
    synchronized Map<String, Object> limits() {
        Map<String, Object> daily = new LinkedHashMap<>();
        daily.put("Max", max);
        daily.put("Remaining", Math.max(0, max - used));
        return Map.of("DailyApiRequests", daily);
    }

    synchronized int used() {
        return used;
    }

    synchronized int max() {
        return max;
    }

    synchronized void used(int used) {
        if (used < 0) {
            throw new IllegalArgumentException("usage must be >= 0: " + used);
        }
        this.used = used;
    }

    synchronized void max(int max) {
        if (max < 0) {
            throw new IllegalArgumentException("daily limit must be >= 0: " + max);
        }
        this.max = max;
    }

    synchronized void reset() {
        used = 0;
        max = DEFAULT_DAILY_LIMIT;
    }
}
