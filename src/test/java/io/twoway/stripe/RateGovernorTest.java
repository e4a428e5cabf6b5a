package io.twoway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.net.HttpHeaders;
import com.stripe.net.StripeResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Outward sync: the rate governor's sliding-window arithmetic on a simulated clock and the Retry-After reading, without the clock in any assertion. */
class RateGovernorTest {

    @Test
    void rejectsANonPositiveRate() {
        assertThatThrownBy(() -> new RateGovernor(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neverLetsMoreThanTheLimitGoInAnyWindowAndUsesTheRest() {
        long second = 1_000_000_000L;
        RateGovernor governor = new RateGovernor(25, Duration.ofMillis(25), 0);
        Random random = new Random(7);
        long[] slots = new long[5_000];
        long now = 0;
        for (int i = 0; i < slots.length; i++) {
            // senders ask at irregular times, in bursts and after gaps; a sender asks again only once its slot came
            now = Math.max(now + (random.nextInt(10) == 0 ? random.nextInt(200_000_000) : 0), i == 0 ? 0 : slots[i - 1]);
            slots[i] = governor.reserve(now);
        }
        for (int i = 25; i < slots.length; i++) {
            assertThat(slots[i] - slots[i - 25]).as("request %d and the 25th before it", i).isGreaterThanOrEqualTo(second + 25_000_000L);
        }
        // a steady backlog: after the first 25, requests asked for at once go at 25 per 1.025 s, 97.6 % of the limit
        RateGovernor backlog = new RateGovernor(25, Duration.ofMillis(25), 0);
        long last = 0;
        for (int i = 0; i < 2_500; i++) {
            last = backlog.reserve(0);
        }
        assertThat((2_500 - 25) / (last / 1e9)).isCloseTo(25 / 1.025, org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void aFractionalRateSpreadsItsRequests() {
        RateGovernor governor = new RateGovernor(0.5, Duration.ZERO, 0);
        assertThat(governor.reserve(0)).isEqualTo(0);
        assertThat(governor.reserve(0)).isEqualTo(2_000_000_000L);
        RateGovernor twoAndAHalf = new RateGovernor(2.5, Duration.ZERO, 0);
        assertThat(List.of(twoAndAHalf.reserve(0), twoAndAHalf.reserve(0), twoAndAHalf.reserve(0))).containsExactly(0L, 0L, 800_000_000L);
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
