package io.twoway.stripe;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import io.twoway.config.TwowayProperties;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.apache.camel.model.RouteConfigurationDefinition;
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
    private final SyncFailureTracker tracker;

    public StripeSyncErrorPolicy(TwowayProperties properties, SyncActivity activity) {
        this.retry = properties.retry();
        this.tracker = new SyncFailureTracker(activity);
    }

    @Override
    public void configuration() {
        RouteConfigurationDefinition policy = routeConfiguration(ID);
        policy.errorHandler(deadLetterChannel("direct:stripe-sync-dead-letter")
                        .deadLetterHandleNewException(false)
                        // stopping: a failed message is neither retried nor dead-lettered; its offset stays uncommitted
                        .allowRedeliveryWhileStopping(false)
                        .useOriginalMessage()
                        .redeliveryDelay(retry.initialDelayMs())
                        .useExponentialBackOff()
                        .backOffMultiplier(2)
                        .maximumRedeliveryDelay(retry.maxDelayMs())
                        .retryAttemptedLogLevel(LoggingLevel.DEBUG)
                        .retriesExhaustedLogLevel(LoggingLevel.DEBUG)
                        .logStackTrace(false)
                        .onExceptionOccurred(tracker::onFailure)
                        .onPrepareFailure(tracker::onDeadLetter));

        // transient and unexpected failures: retried while real attempts remain (breaker refusals don't count)
        policy.onException(Exception.class).retryWhile(exchange -> tracker.attempts(exchange) <= retry.maxAttempts());

        policy.onException(StripeSyncException.Permanent.class).maximumRedeliveries(0);

        // the breaker is open, or Stripe answered 429: the message waits and tries again, it is never dead-lettered for that
        policy.onException(CallNotPermittedException.class, StripeSyncException.RateLimited.class).retryWhile(exchange -> true);
    }
}
