package io.twoway.stripe;

import com.stripe.StripeClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.twoway.config.TwowayProperties;
import java.time.Duration;
import java.util.Locale;
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
    StripeClient stripeClient(TwowayProperties properties, RateGovernor stripeRateGovernor, MeterRegistry meters) {
        TwowayProperties.Stripe stripe = properties.stripe();
        return StripeClient.builder()
                .setApiKey(stripe.apiKey())
                .setApiBase(stripe.apiBase().replaceAll("/+$", ""))
                .setConnectTimeout(stripe.connectTimeoutMs())
                .setReadTimeout(stripe.readTimeoutMs())
                .setMaxNetworkRetries(0)
                .setHttpClient(new GovernedHttpClient(stripeRateGovernor, Duration.ofMillis(stripe.connectTimeoutMs()), meters))
                .build();
    }

    /**
     * Opens after {@code failureThreshold} consecutive transient Stripe failures and probes again after
     * {@code openSeconds}. Permanent (4xx) answers mean Stripe is up and count as successes; local failures are ignored.
     */
    @Bean
    CircuitBreaker stripeCircuitBreaker(TwowayProperties properties, MeterRegistry meters) {
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
        CircuitBreaker circuitBreaker = CircuitBreaker.of("stripe", config);
        circuitBreaker.getEventPublisher().onStateTransition(e -> meters.counter("twoway.stripe.breaker.transitions",
                "from", e.getStateTransition().getFromState().name().toLowerCase(Locale.ROOT),
                "to", e.getStateTransition().getToState().name().toLowerCase(Locale.ROOT)).increment());
        return circuitBreaker;
    }
}
