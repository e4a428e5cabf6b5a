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
        assertThatThrownBy(() -> new RateGovernor(0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void neverLetsMoreThanTheLimitArriveInAnyWindow() {
        RateGovernor governor = new RateGovernor(25, Duration.ofMillis(25), 0);
        Random random = new Random(7);
        int n = 5_000;
        long[] arrivals = new long[n];
        long now = 0;
        for (int i = 0; i < n; i++) {
            // senders ask in bursts and after gaps; a sending thread may run up to 60 ms late, the way there takes
            // 0-20 ms, and the answer comes 0-40 ms after the arrival (or, for one in ten, never comes back: a timeout)
            now += random.nextInt(10) == 0 ? random.nextInt(200_000_000) : random.nextInt(2_000_000);
            RateGovernor.Permit permit = governor.reserve(now);
            long left = permit.slot() + random.nextInt(60_000_000);
            governor.sent(permit, left);
            arrivals[i] = left + random.nextInt(20_000_000);
            if (random.nextInt(10) != 0) {
                governor.answered(permit, arrivals[i] + random.nextInt(40_000_000));
            }
            now = Math.max(now, permit.slot());
        }
        long[] sorted = arrivals.clone();
        java.util.Arrays.sort(sorted);
        for (int i = 25; i < n; i++) {
            assertThat(sorted[i] - sorted[i - 25]).as("arrival %d and the 25th before it", i).isGreaterThanOrEqualTo(1_000_000_000L);
        }
    }

    @Test
    void aBacklogUsesTheLimitAlmostWhole() {
        // every request is asked for at once; each is answered 2 ms after it left (a short round trip)
        RateGovernor governor = new RateGovernor(25, Duration.ofMillis(25), 0);
        long last = 0;
        for (int i = 0; i < 2_525; i++) {
            RateGovernor.Permit permit = governor.reserve(0);
            governor.sent(permit, permit.slot());
            governor.answered(permit, permit.slot() + 2_000_000);
            last = permit.slot();
        }
        assertThat(2_500 / (last / 1e9)).isCloseTo(25 / 1.002, org.assertj.core.data.Offset.offset(0.05));
        // with no answer yet (a long round trip), the margin bounds it: 25 per 1.025 s
        RateGovernor inFlight = new RateGovernor(25, Duration.ofMillis(25), 0);
        for (int i = 0; i < 2_525; i++) {
            last = inFlight.reserve(0).slot();
        }
        assertThat(2_500 / (last / 1e9)).isCloseTo(25 / 1.025, org.assertj.core.data.Offset.offset(0.05));
    }

    @Test
    void aLowerRateHoldsInTheWindowsThatStraddleTheChange() {
        // a backlog at 25/s for 3 s, then the instance's share falls to 10/s (a second instance joined), then rises to 20/s
        RateGovernor governor = new RateGovernor(25, Duration.ZERO, 0);
        List<long[]> sent = new java.util.ArrayList<>(); // {arrival, limit in force when it was reserved}
        long now = 0;
        int limit = 25;
        while (now < 9_000_000_000L) {
            if (limit == 25 && now >= 3_000_000_000L) {
                limit = 10;
                governor.setRate(10, now);
            } else if (limit == 10 && now >= 6_000_000_000L) {
                limit = 20;
                governor.setRate(20, now);
            }
            RateGovernor.Permit permit = governor.reserve(now);
            governor.sent(permit, permit.slot());
            governor.answered(permit, permit.slot() + 1_000_000);
            sent.add(new long[] {permit.slot(), limit});
            now = permit.slot();
        }
        assertThat(governor.rate()).isEqualTo(20.0);
        for (int i = 0; i < sent.size(); i++) {
            long arrival = sent.get(i)[0];
            long inWindow = sent.subList(0, i + 1).stream().filter(a -> a[0] > arrival - 1_000_000_000L).count();
            assertThat(inWindow).as("requests in the second before request %d (limit %d)", i, sent.get(i)[1]).isLessThanOrEqualTo(sent.get(i)[1]);
        }
    }

    @Test
    void aClosedGovernorHoldsSendersUntilItOpens() throws Exception {
        RateGovernor governor = new RateGovernor(100, Duration.ZERO);
        java.util.concurrent.atomic.AtomicInteger asked = new java.util.concurrent.atomic.AtomicInteger();
        governor.onDemandWhileClosed(asked::incrementAndGet);
        governor.deny();
        java.util.concurrent.CompletableFuture<RateGovernor.Permit> sender = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return governor.acquire();
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        org.awaitility.Awaitility.await().until(() -> asked.get() == 1);
        assertThat(governor.busy(0, System.nanoTime())).as("a sender waits").isTrue();
        assertThat(sender).isNotDone();
        governor.allow(System.nanoTime(), Long.MAX_VALUE);
        assertThat(sender.get(5, java.util.concurrent.TimeUnit.SECONDS)).isNotNull();
    }

    @Test
    void aFractionalRateSpreadsItsRequests() {
        RateGovernor governor = new RateGovernor(0.5, Duration.ZERO, 0);
        assertThat(governor.reserve(0).slot()).isEqualTo(0);
        assertThat(governor.reserve(0).slot()).isEqualTo(2_000_000_000L);
        RateGovernor twoAndAHalf = new RateGovernor(2.5, Duration.ZERO, 0);
        assertThat(List.of(twoAndAHalf.reserve(0).slot(), twoAndAHalf.reserve(0).slot(), twoAndAHalf.reserve(0).slot()))
                .containsExactly(0L, 0L, 800_000_000L);
    }

    @Test
    void retryAfterIsReadInSecondsWithADefault() {
        assertThat(GovernedHttpClient.retryAfter(response(Map.of("Retry-After", List.of("2"))))).isEqualTo(Duration.ofSeconds(2));
        assertThat(GovernedHttpClient.retryAfter(response(Map.of("Retry-After", List.of("0.5"))))).isEqualTo(Duration.ofMillis(500));
        assertThat(GovernedHttpClient.retryAfter(response(Map.of()))).isEqualTo(GovernedHttpClient.DEFAULT_RATE_LIMIT_PAUSE);
        assertThat(GovernedHttpClient.retryAfter(response(Map.of("Retry-After", List.of("soon"))))).isEqualTo(GovernedHttpClient.DEFAULT_RATE_LIMIT_PAUSE);
    }

    @Test
    void aPauseHoldsTheNextRequestBack() throws InterruptedException {
        RateGovernor governor = new RateGovernor(1_000_000, Duration.ZERO);
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
