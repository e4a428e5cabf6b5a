package io.twoway.stripe;

import com.stripe.exception.ApiConnectionException;
import com.stripe.net.HttpURLConnectionClient;
import com.stripe.net.StripeRequest;
import com.stripe.net.StripeResponse;
import java.time.Duration;

/**
 * Outward sync: stripe-java's HTTP client with the rate governor in front of every request (retries included), so
 * the budget holds whichever code path calls Stripe, and a 429 slows every sender down, not just the one that saw it.
 */
public class GovernedHttpClient extends HttpURLConnectionClient {

    static final Duration DEFAULT_RATE_LIMIT_PAUSE = Duration.ofSeconds(1);

    private final RateGovernor governor;

    public GovernedHttpClient(RateGovernor governor) {
        this.governor = governor;
    }

    @Override
    public StripeResponse request(StripeRequest request) throws ApiConnectionException {
        RateGovernor.Permit permit = governor.acquire();
        StripeResponse response;
        try {
            response = super.request(request);
        } finally {
            governor.answered(permit, System.nanoTime());
        }
        if (response.code() == 429) {
            governor.pause(retryAfter(response));
        }
        return response;
    }

    static Duration retryAfter(StripeResponse response) {
        return response.headers().firstValue("Retry-After").map(value -> {
            try {
                return Duration.ofMillis(Math.round(Double.parseDouble(value.trim()) * 1000));
            } catch (NumberFormatException e) {
                return DEFAULT_RATE_LIMIT_PAUSE;
            }
        }).filter(d -> !d.isNegative()).orElse(DEFAULT_RATE_LIMIT_PAUSE);
    }
}
