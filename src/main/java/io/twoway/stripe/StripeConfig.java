package io.twoway.stripe;

import com.stripe.StripeClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.twoway.config.TwowayProperties;
import java.time.Duration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Outward sync: the Stripe client, its rate governor and the circuit breaker the sync route shares. */
@Configuration
public class StripeConfig {

    @Bean
    RateGovernor stripeRateGovernor(TwowayProperties properties) {
        return new RateGovernor(properties.stripe().rateLimit(), Duration.ofMillis(properties.stripe().rateMarginMs()));
    }

    /** stripe-java's own retries are off: redelivery is the sync route's job, under one policy and one log. */
    @Bean
    StripeClient stripeClient(TwowayProperties properties, RateGovernor stripeRateGovernor) {
        TwowayProperties.Stripe stripe = properties.stripe();
        return StripeClient.builder()
                .setApiKey(stripe.apiKey())
                .setApiBase(stripe.apiBase().replaceAll("/+$", ""))
                .setConnectTimeout(stripe.connectTimeoutMs())
                .setReadTimeout(stripe.readTimeoutMs())
                .setMaxNetworkRetries(0)
                .setHttpClient(new GovernedHttpClient(stripeRateGovernor, Duration.ofMillis(stripe.connectTimeoutMs())))
                .build();
    }

    /**
     * Opens after {@code failureThreshold} consecutive transient Stripe failures and probes again after
     * {@code openSeconds}. Permanent (4xx) answers mean Stripe is up and count as successes; local failures are ignored.
     */
    @Bean
    CircuitBreaker stripeCircuitBreaker(TwowayProperties properties) {
        TwowayProperties.Breaker breaker = properties.breaker();
        CircuitBreakerConfig config = CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(breaker.failureThreshold())
                .minimumNumberOfCalls(breaker.failureThreshold())
                .failureRateThreshold(100)
                .waitDurationInOpenState(Duration.ofMillis(Math.round(breaker.openSeconds() * 1000)))
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)
                .recordException(e -> e instanceof StripeSyncException.Transient)
                .ignoreException(e -> !(e instanceof StripeSyncException))
                .build();
        return CircuitBreaker.of("stripe", config);
    }
}
