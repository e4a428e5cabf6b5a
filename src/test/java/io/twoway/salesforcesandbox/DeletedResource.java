package io.twoway.salesforcesandbox;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * GET sobjects/Contact/deleted: the Contacts deleted from {@code start} to {@code end} (both included) that the recycle
 * bin still holds, oldest first. {@code latestDateCovered} is min(end, now) truncated to the minute, as Salesforce
 * answers it, while the records listed run on to {@code end}: a client that moves its start up to latestDateCovered may
 * see a record twice but never misses one. {@code earliestDateAvailable} is 15 days before the sandbox started (or was
 * reset), to the minute, unless a test sets it; records deleted before it count as purged and are not listed.
 */
final class DeletedResource {

    static final Duration RECYCLE_BIN_DAYS = Duration.ofDays(15);

    private final ContactStore store;
    private final SandboxClock clock;
    private volatile Instant earliestDateAvailable;

    DeletedResource(ContactStore store, SandboxClock clock) {
        this.store = store;
        this.clock = clock;
        reset();
    }

    ApiResponse deleted(Map<String, String> params) {
        Instant start = date(params, "start");
        Instant end = date(params, "end");
        if (end.isBefore(start)) {
            throw SalesforceErrors.invalidReplicationDate("EndDate must chronologically follow the StartDate");
        }
        Instant earliest = earliestDateAvailable;
        Instant now = clock.now();
        Instant latest = (end.isBefore(now) ? end : now).truncatedTo(ChronoUnit.MINUTES);
        List<Map<String, Object>> records = store.all(true).stream()
                .filter(Contact::isDeleted)
                .filter(c -> {
                    Instant deleted = c.deletedDate().orElseThrow();
                    return !deleted.isBefore(start) && !deleted.isAfter(end) && !deleted.isBefore(earliest);
                })
                .sorted(Comparator.comparing(c -> c.deletedDate().orElseThrow()))
                .map(DeletedResource::json)
                .toList();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("deletedRecords", records);
        out.put("earliestDateAvailable", SalesforceTime.format(earliest));
        out.put("latestDateCovered", SalesforceTime.format(latest));
        return ApiResponse.ok(out);
    }

    void earliestDateAvailable(Instant earliest) {
        if (earliest == null) {
            throw new IllegalArgumentException("earliestDateAvailable is required");
        }
        earliestDateAvailable = earliest;
    }

    /** Back to 15 days before now, to the minute. */
    void reset() {
        earliestDateAvailable = clock.now().minus(RECYCLE_BIN_DAYS).truncatedTo(ChronoUnit.MINUTES);
    }

    private static Instant date(Map<String, String> params, String name) {
        String raw = params.get(name);
        if (raw == null) {
            throw SalesforceErrors.invalidReplicationDate("Missing parameter: " + name);
        }
        return SalesforceTime.parse(raw).orElseThrow(() -> SalesforceErrors.invalidReplicationDate(
                "Invalid " + name + " date: " + raw + " (use ISO 8601, such as 2026-11-26T01:00:00+00:00)"));
    }

    private static Map<String, Object> json(Contact contact) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", contact.id());
        out.put("deletedDate", SalesforceTime.format(contact.deletedDate().orElseThrow()));
        return out;
    }
}
