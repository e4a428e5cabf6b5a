package io.twoway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.net.HttpHeaders;
import com.stripe.net.StripeResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Outward sync: the rate governor's pacing arithmetic and the Retry-After reading, without the clock in any assertion. */
class RateGovernorTest {

    @Test
    void rejectsANonPositiveRate() {
        assertThatThrownBy(() -> new RateGovernor(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void retryAfterIsReadInSecondsWithADefault() {
        assertThat(GovernedHttpClient.retryAfter(response(Map.of("Retry-After", List.of("2"))))).isEqualTo(Duration.ofSeconds(2));
        assertThat(GovernedHttpClient.retryAfter(response(Map.of("Retry-After", List.of("0.5"))))).isEqualTo(Duration.ofMillis(500));
        assertThat(GovernedHttpClient.retryAfter(response(Map.of()))).isEqualTo(GovernedHttpClient.DEFAULT_RATE_LIMIT_PAUSE);
        assertThat(GovernedHttpClient.retryAfter(response(Map.of("Retry-After", List.of("soon"))))).isEqualTo(GovernedHttpClient.DEFAULT_RATE_LIMIT_PAUSE);
    }

    @Test
    void aPauseHoldsTheNextRequestBack() {
        RateGovernor governor = new RateGovernor(1_000_000);
        governor.pause(Duration.ofMillis(300));
        long start = System.nanoTime();
        governor.acquire();
        // a lower bound only: the machine may be slower, never faster
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(290).toNanos());
    }

    private static StripeResponse response(Map<String, List<String>> headers) {
        return new StripeResponse(429, HttpHeaders.of(headers), "{}");
    }
}
