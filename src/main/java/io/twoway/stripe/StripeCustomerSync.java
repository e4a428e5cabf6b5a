package io.twoway.stripe;

import java.util.Optional;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/**
 * Outward sync: the steps of the {@code stripe-customer-sync} route. {@link #prepare} reads the event and decides
 * whether it still needs applying, {@link #callStripe} runs inside the circuit breaker, {@link #record} writes the
 * outcome back.
 */
@Component("stripeCustomerSync")
public class StripeCustomerSync {

    public static final String EVENT = "twowaySyncEvent";
    public static final String SKIP = "twowaySyncSkip";
    public static final String STRIPE_ID = "TwowayStripeCustomerId";
    private static final Logger LOG = LoggerFactory.getLogger(StripeCustomerSync.class);

    private final StripeGateway stripe;
    private final SyncLedger ledger;

    public StripeCustomerSync(StripeGateway stripe, SyncLedger ledger) {
        this.stripe = stripe;
        this.ledger = ledger;
    }

    public void prepare(Exchange exchange) {
        Message in = exchange.getMessage();
        CustomerSyncEvent event = CustomerSyncEvent.parse(in.getHeader("eventId", String.class), in.getHeader("eventType", String.class),
                in.getBody(String.class));
        MDC.put("eventId", event.eventId());
        MDC.put("customerId", String.valueOf(event.customerId()));
        if (event.correlationId() != null) {
            MDC.put("correlationId", event.correlationId());
        }
        exchange.setProperty(EVENT, event);
        Optional<String> skip = ledger.skipReason(event);
        exchange.setProperty(SKIP, skip.isPresent());
        skip.ifPresent(reason -> LOG.info("Skipping {} v{} of customer {}: {}", event.eventType(), event.version(), event.customerId(), reason));
    }

    public void callStripe(Exchange exchange) {
        CustomerSyncEvent event = exchange.getProperty(EVENT, CustomerSyncEvent.class);
        String stripeId = ledger.stripeId(event.customerId()).orElse(null);
        if (event.isDelete()) {
            if (stripeId != null) {
                stripe.delete(stripeId, event.eventId());
            }
        } else if (stripeId == null) {
            stripeId = stripe.create(event.customerId(), event.name(), event.email(), event.eventId());
        } else {
            stripe.update(stripeId, event.name(), event.email(), event.eventId());
        }
        exchange.getMessage().setHeader(STRIPE_ID, stripeId);
    }

    public void record(Exchange exchange) {
        CustomerSyncEvent event = exchange.getProperty(EVENT, CustomerSyncEvent.class);
        String stripeId = exchange.getMessage().getHeader(STRIPE_ID, String.class);
        ledger.recordApplied(event, stripeId);
        LOG.info("Applied {} v{} of customer {} to Stripe {}", event.eventType(), event.version(), event.customerId(),
                stripeId == null ? "(never synced, nothing to delete)" : stripeId);
    }
}
