package io.twoway.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/** Stores first responses per (API key, Idempotency-Key) and decides replay, mismatch or in-progress conflicts. */
final class IdempotencyStore {

    static final int MAX_KEY_LENGTH = 255;
    private static final Duration RETENTION = Duration.ofHours(24);

    /** What a request is: same method, path and parameters means the same request. */
    record Fingerprint(String method, String path, Map<String, String> params) {
    }

    /** Outcome of {@link #begin}: {@code replay} set to replay, {@code conflict} set to reject, else proceed. */
    record Decision(SandboxResponse replay, SandboxResponse conflict) {
        boolean proceed() {
            return replay == null && conflict == null;
        }
    }

    private static final class Entry {
        final Fingerprint fingerprint;
        final Instant at = Instant.now();
        volatile SandboxResponse response; // null while the first request is executing

        Entry(Fingerprint fingerprint) {
            this.fingerprint = fingerprint;
        }
    }

    private final Map<String, Entry> entries = new ConcurrentHashMap<>();

    /** Claims the key for this request, or says how to answer instead. */
    Decision begin(String apiKey, String key, Fingerprint fingerprint) {
        prune();
        Entry mine = new Entry(fingerprint);
        Entry existing = entries.putIfAbsent(scope(apiKey, key), mine);
        if (existing == null) {
            return new Decision(null, null);
        }
        if (!Objects.equals(existing.fingerprint, fingerprint)) {
            return new Decision(null, StripeErrors.response(400, "idempotency_error", null,
                    "Keys for idempotent requests can only be used with the same parameters they were first used "
                    + "with. Try using a key other than '" + key + "' if you meant to execute a different request.",
                    null, false));
        }
        SandboxResponse stored = existing.response;
        if (stored == null) {
            return new Decision(null, StripeErrors.response(409, "idempotency_error", null,
                    "There is currently another in-progress request using this Stripe API key and idempotency key "
                    + "(which means that you've probably tried to make a request with the same parameters twice in "
                    + "quick succession). Please try again later.", null, false));
        }
        return new Decision(stored.withHeader("Idempotent-Replayed", "true"), null);
    }

    /** Stores the response of a claimed key, or releases the key when Stripe would not have stored it. */
    void complete(String apiKey, String key, SandboxResponse response) {
        String scope = scope(apiKey, key);
        Entry e = entries.get(scope);
        if (e == null) {
            return;
        }
        if (response.storable()) {
            e.response = response;
        } else {
            entries.remove(scope, e);
        }
    }

    void reset() {
        entries.clear();
    }

    private void prune() {
        Instant cutoff = Instant.now().minus(RETENTION);
        entries.values().removeIf(e -> e.response != null && e.at.isBefore(cutoff));
    }

    private static String scope(String apiKey, String key) {
        return apiKey + '\u0000' + key;
    }
}
