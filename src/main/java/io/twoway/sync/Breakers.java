package io.twoway.sync;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.twoway.config.TwowayProperties;
import java.time.Duration;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Each integration's circuit breaker, on one policy: it opens after {@code CIRCUIT_BREAKER_FAILURE_THRESHOLD}
 * consecutive failed calls and probes again, one call, after {@code CIRCUIT_BREAKER_OPEN_SECONDS}; its transitions
 * are counted as {@code twoway_<name>_breaker_transitions_total}. {@code failures} says which exceptions count.
 */
public final class Breakers {

    private Breakers() {}

    public static CircuitBreaker create(String name, TwowayProperties.Breaker settings, MeterRegistry meters,
                                        UnaryOperator<CircuitBreakerConfig.Builder> failures) {
        CircuitBreakerConfig config = failures.apply(CircuitBreakerConfig.custom()
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(settings.failureThreshold())
                .minimumNumberOfCalls(settings.failureThreshold())
                .failureRateThreshold(100)
                .waitDurationInOpenState(Duration.ofMillis(Math.round(settings.openSeconds() * 1000)))
                .permittedNumberOfCallsInHalfOpenState(1)
                .automaticTransitionFromOpenToHalfOpenEnabled(true)).build();
        CircuitBreaker breaker = CircuitBreaker.of(name, config);
        breaker.getEventPublisher().onStateTransition(e -> meters.counter("twoway." + name + ".breaker.transitions",
                "from", e.getStateTransition().getFromState().name().toLowerCase(Locale.ROOT),
                "to", e.getStateTransition().getToState().name().toLowerCase(Locale.ROOT)).increment());
        return breaker;
    }
}
