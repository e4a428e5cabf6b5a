package io.twoway.stripe;

import io.github.resilience4j.circuitbreaker.CallNotPermittedException;
import java.time.Instant;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Outward sync: the error policy's bookkeeping. It counts each failed attempt and logs it with the correlation id
 * ({@link #onFailure}), and stamps the dead-letter message with the error headers ({@link #onDeadLetter}).
 */
public class SyncFailureTracker {

    private final SyncActivity activity;

    public SyncFailureTracker(SyncActivity activity) {
        this.activity = activity;
    }

    public static final String ATTEMPTS = "twowayAttempts";
    public static final String FIRST_FAILURE = "twowayFirstFailureAt";
    public static final String LAST_FAILURE = "twowayLastFailureAt";
    private static final Logger LOG = LoggerFactory.getLogger(SyncFailureTracker.class);

    /** Failed attempts that reached Stripe or the database; calls refused by the open breaker, and 429s, are not counted. */
    public int attempts(Exchange exchange) {
        return exchange.getProperty(ATTEMPTS, 0, Integer.class);
    }

    public void onFailure(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        if (cause instanceof CallNotPermittedException) {
            LOG.debug("Stripe circuit breaker is open; event waits [eventId={}]", exchange.getMessage().getHeader("eventId", String.class));
            return;
        }
        if (cause instanceof StripeSyncException.RateLimited) {
            LOG.debug("Stripe answered 429; event waits for the rate governor [eventId={}]", exchange.getMessage().getHeader("eventId", String.class));
            return;
        }
        activity.failed(cause == null ? "unknown" : cause.getMessage());
        int attempts = attempts(exchange) + 1;
        String now = Instant.now().toString();
        exchange.setProperty(ATTEMPTS, attempts);
        exchange.setProperty(LAST_FAILURE, now);
        if (exchange.getProperty(FIRST_FAILURE) == null) {
            exchange.setProperty(FIRST_FAILURE, now);
        }
        CustomerSyncEvent event = exchange.getProperty(StripeCustomerSync.EVENT, CustomerSyncEvent.class);
        LOG.warn("Stripe sync attempt {} failed [eventId={} customerId={} correlationId={}]: {}", attempts,
                event == null ? exchange.getMessage().getHeader("eventId", String.class) : event.eventId(),
                event == null ? exchange.getMessage().getHeader("kafka.KEY", String.class) : event.customerId(),
                event == null ? exchange.getMessage().getHeader("correlationId", String.class) : event.correlationId(),
                cause == null ? "unknown" : cause.getMessage());
    }

    /** Runs on the original message (useOriginalMessage) just before it goes to the dead-letter topic. */
    public void onDeadLetter(Exchange exchange) {
        activity.deadLettered();
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Message message = exchange.getMessage();
        message.setHeader("twoway_error_class", cause == null ? "unknown" : cause.getClass().getName());
        message.setHeader("twoway_error_message", cause == null ? "unknown" : String.valueOf(cause.getMessage()));
        if (cause instanceof StripeSyncException stripe && stripe.httpStatus() != null) {
            message.setHeader("twoway_error_http_status", String.valueOf(stripe.httpStatus()));
        }
        if (cause instanceof StripeSyncException stripe && stripe.stripeCode() != null) {
            message.setHeader("twoway_error_code", stripe.stripeCode());
        }
        message.setHeader("twoway_error_attempts", String.valueOf(exchange.getProperty(ATTEMPTS, 1, Integer.class)));
        message.setHeader("twoway_error_first_failure_at", exchange.getProperty(FIRST_FAILURE, String.class));
        message.setHeader("twoway_error_last_failure_at", exchange.getProperty(LAST_FAILURE, String.class));
        message.setHeader("twoway_source_topic", message.getHeader("kafka.TOPIC", String.class));
        message.setHeader("twoway_source_partition", message.getHeader("kafka.PARTITION", String.class));
        message.setHeader("twoway_source_offset", message.getHeader("kafka.OFFSET", String.class));
        String correlationId = message.getHeader("correlationId", String.class);
        LOG.error("Dead-lettering event {} of customer {} after {} attempt(s) [correlationId={}]: {}", message.getHeader("eventId", String.class),
                message.getHeader("kafka.KEY", String.class), message.getHeader("twoway_error_attempts"), correlationId,
                message.getHeader("twoway_error_message"));
    }
}
