package io.twoway.inbox;

import io.twoway.api.ApiException;
import io.twoway.config.TwowayProperties;
import io.twoway.stripe.StripeSyncException;
import org.apache.camel.LoggingLevel;
import org.apache.camel.builder.RouteConfigurationBuilder;
import org.springframework.dao.RecoverableDataAccessException;
import org.springframework.dao.TransientDataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * Inward sync: the one error policy of the apply route (route configuration {@code webhook-apply-errors}). A
 * transient failure (database unreachable, lock timeout, Stripe unavailable while ordering, an email taken by a
 * concurrent write) is redelivered with exponential backoff from the retry settings, and then left pending for the
 * sweeper; anything else is a poison event and is parked with its error at once.
 */
@Component
public class WebhookApplyErrorPolicy extends RouteConfigurationBuilder {

    public static final String ID = "webhook-apply-errors";

    private final TwowayProperties.Retry retry;

    public WebhookApplyErrorPolicy(TwowayProperties properties) {
        this.retry = properties.retry();
    }

    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TransientDataAccessException || t instanceof DataAccessResourceFailureException
                    || t instanceof RecoverableDataAccessException || t instanceof CannotCreateTransactionException
                    || t instanceof StripeSyncException.Transient || (t instanceof ApiException api && api.status() == 409)) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void configuration() {
        routeConfiguration(ID).onException(Exception.class)
                .handled(true)
                .retryWhile(exchange -> isTransient(exchange.getProperty(org.apache.camel.Exchange.EXCEPTION_CAUGHT, Exception.class))
                        && exchange.getMessage().getHeader(org.apache.camel.Exchange.REDELIVERY_COUNTER, 0, Integer.class) < retry.maxAttempts())
                .redeliveryDelay(retry.initialDelayMs())
                .useExponentialBackOff()
                .backOffMultiplier(2)
                .maximumRedeliveryDelay(retry.maxDelayMs())
                .retryAttemptedLogLevel(LoggingLevel.WARN)
                .logStackTrace(false)
                .to("bean:inboxApply?method=onFailure");
    }
}
