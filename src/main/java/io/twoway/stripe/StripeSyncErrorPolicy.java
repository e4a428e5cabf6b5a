package io.twoway.stripe;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.twoway.config.TwowayProperties;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.stereotype.Component;

/**
 * Outward sync: the one error policy of the Stripe consumer routes (route configuration {@code stripe-sync-errors}).
 * Transient failures are redelivered with exponential backoff from the retry settings; permanent ones, and
 * exhausted ones, go to the dead-letter topic as the original message plus error headers. A call refused by an open
 * breaker is never dead-lettered: it waits and tries again.
 */
@Component
public class StripeSyncErrorPolicy extends RouteConfigurationBuilder {

    public static final String ID = "stripe-sync-errors";

    private final TwowayProperties.Retry retry;
    private final SyncFailureTracker tracker = new SyncFailureTracker();

    public StripeSyncErrorPolicy(TwowayProperties properties) {
        this.retry = properties.retry();
    }

    @Override
    public void configuration() {
        routeConfiguration(ID)
                .errorHandler(deadLetterChannel("direct:stripe-sync-dead-letter")
                        .deadLetterHandleNewException(false)
                        .useOriginalMessage()
                        .maximumRedeliveries(retry.maxAttempts())
                        .redeliveryDelay(retry.initialDelayMs())
                        .useExponentialBackOff()
                        .backOffMultiplier(2)
                        .maximumRedeliveryDelay(retry.maxDelayMs())
                        .retryAttemptedLogLevel(LoggingLevel.DEBUG)
                        .retriesExhaustedLogLevel(LoggingLevel.DEBUG)
                        .logStackTrace(false)
                        .onExceptionOccurred(tracker.onFailure)
                        .onPrepareFailure(tracker.onDeadLetter));

        onException(StripeSyncException.Permanent.class).maximumRedeliveries(0);

        // only when another consumer thread took the single half-open probe; the route waits out an open breaker
        onException(CallNotPermittedException.class).maximumRedeliveries(-1).redeliveryDelay(1000);
    }
}
