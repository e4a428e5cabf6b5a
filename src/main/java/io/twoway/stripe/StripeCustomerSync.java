package io.twoway.stripe;

import io.twoway.customer.Customer;
import io.twoway.customer.CustomerEvents;
import io.twoway.customer.CustomerRepository;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
    static final String SENT = "twowaySyncSent";
    private static final Logger LOG = LoggerFactory.getLogger(StripeCustomerSync.class);

    private final StripeGateway stripe;
    private final SyncLedger ledger;
    private final CustomerRepository customers;

    public StripeCustomerSync(StripeGateway stripe, SyncLedger ledger, CustomerRepository customers) {
        this.stripe = stripe;
        this.ledger = ledger;
        this.customers = customers;
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

    /**
     * A create sends the event's snapshot (the same parameters on every retry of its idempotency key). An update sends
     * only the fields the event changed, and of those only the ones whose value is still the customer's current one
     * and that no open conflict holds back: a newer local event carries a newer value, and a value that a webhook or a
     * conflict resolution has since replaced must not overwrite Stripe.
     */
    public void callStripe(Exchange exchange) {
        CustomerSyncEvent event = exchange.getProperty(EVENT, CustomerSyncEvent.class);
        Customer current = customers.find(event.customerId()).orElse(null);
        String stripeId = current == null ? null : current.stripeCustomerId();
        Map<String, String> sent = new HashMap<>();
        if (event.isDelete()) {
            if (stripeId != null) {
                stripe.delete(stripeId, event.eventId());
            }
        } else {
            if (stripeId == null) {
                stripeId = ledger.beginCreate(event.customerId()).orElse(null);
            }
            if (stripeId == null) {
                stripeId = stripe.create(event.customerId(), event.name(), event.email(), event.eventId());
                sent.put(CustomerEvents.NAME, event.name());
                sent.put(CustomerEvents.EMAIL, event.email());
            } else if (current.active()) {
                Set<String> held = ledger.heldFields(event.customerId());
                for (String field : event.changed()) {
                    String value = CustomerEvents.SYNCED_FIELDS.contains(field) ? event.field(field) : null;
                    if (value != null && value.equals(current.field(field)) && !held.contains(field)) {
                        sent.put(field, value);
                    }
                }
                if (!sent.isEmpty()) {
                    stripe.update(stripeId, sent.get(CustomerEvents.NAME), sent.get(CustomerEvents.EMAIL), event.eventId());
                }
            }
        }
        exchange.getMessage().setHeader(STRIPE_ID, stripeId);
        exchange.setProperty(SENT, sent);
    }

    public void record(Exchange exchange) {
        CustomerSyncEvent event = exchange.getProperty(EVENT, CustomerSyncEvent.class);
        String stripeId = exchange.getMessage().getHeader(STRIPE_ID, String.class);
        @SuppressWarnings("unchecked")
        Map<String, String> sent = exchange.getProperty(SENT, Map.class);
        ledger.recordApplied(event, stripeId, sent.get(CustomerEvents.NAME), sent.get(CustomerEvents.EMAIL));
        if (stripeId == null) {
            LOG.info("Applied {} v{} of customer {}: never synced, nothing to delete", event.eventType(), event.version(), event.customerId());
        } else if (sent.isEmpty() && !event.isDelete()) {
            LOG.info("Applied {} v{} of customer {}: nothing left to send to Stripe {} (superseded, or held by an open conflict)",
                    event.eventType(), event.version(), event.customerId(), stripeId);
        } else {
            LOG.info("Applied {} v{} of customer {} to Stripe {} {}", event.eventType(), event.version(), event.customerId(), stripeId, sent.keySet());
        }
    }
}
