package io.twoway.salesforcesandbox;

import java.time.Clock;
import java.time.Instant;

/** The sandbox's settable clock: write stamps, token expiry, the request log and the deleted resource read it. */
final class SandboxClock {

    private volatile Clock clock = Clock.systemUTC();

    Instant now() {
        return clock.instant();
    }

    void set(Clock clock) {
        if (clock == null) {
            throw new IllegalArgumentException("clock is required");
        }
        this.clock = clock;
    }
}
