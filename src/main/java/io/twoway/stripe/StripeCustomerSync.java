package io.twoway.stripe;

import io.twoway.config.CrashPoints;
import io.twoway.config.TwowayProperties;
import io.twoway.customer.Customer;
import io.twoway.customer.CustomerEvents;
import io.twoway.customer.CustomerRepository;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.component.kafka.KafkaConstants;
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
    /** {@code STRIPE_DELETED_CUSTOMER_ACTION}: what an update does when Stripe no longer has the customer. */
    public static final String RECREATE = "recreate";
    public static final String DEACTIVATE = "deactivate";
    private static final Logger LOG = LoggerFactory.getLogger(StripeCustomerSync.class);

    private final StripeGateway stripe;
    private final SyncLedger ledger;
    private final CustomerRepository customers;
    private final String deletedCustomerAction;
    private final SyncActivity activity;

    public StripeCustomerSync(StripeGateway stripe, SyncLedger ledger, CustomerRepository customers, SyncActivity activity,
                              TwowayProperties properties) {
        this.activity = activity;
        this.stripe = stripe;
        this.ledger = ledger;
        this.customers = customers;
        this.deletedCustomerAction = properties.stripe().deletedCustomerAction();
    }

    public void prepare(Exchange exchange) {
        Message in = exchange.getMessage();
        CustomerSyncEvent event = CustomerSyncEvent.parse(in.getHeader("eventId", String.class), in.getHeader("eventType", String.class),
                in.getBody(String.class)).readAt(in.getHeader(KafkaConstants.PARTITION, Integer.class), in.getHeader(KafkaConstants.OFFSET, Long.class));
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
            if (stripeId == null && !CustomerEvents.CREATED.equals(event.eventType())) {
                // a create carried by a later event (a replay, or an update after a dead-lettered create) has a new
                // idempotency key: an earlier attempt may have made the customer and lost the answer, so look first
                stripeId = stripe.findByLocalId(event.customerId(), event.email()).orElse(null);
                if (stripeId != null) {
                    LOG.info("Customer {} already exists in Stripe as {} (an earlier attempt made it); linking, not creating", event.customerId(), stripeId);
                }
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
                    stripeId = update(event, current, stripeId, sent);
                }
            }
        }
        exchange.getMessage().setHeader(STRIPE_ID, stripeId);
        exchange.setProperty(SENT, sent);
    }

    /**
     * Sends the update; a Stripe customer deleted outside Twoway (404) is repaired by {@code STRIPE_DELETED_CUSTOMER_ACTION}:
     * {@code deactivate} deletes the customer locally too (no outbox event: Stripe already agrees), {@code recreate}
     * creates it in Stripe again, under a key of its own so that a retry finds the same new customer. Returns the
     * Stripe id the customer has now.
     */
    private String update(CustomerSyncEvent event, Customer current, String stripeId, Map<String, String> sent) {
        try {
            stripe.update(stripeId, sent.get(CustomerEvents.NAME), sent.get(CustomerEvents.EMAIL), event.eventId());
            return stripeId;
        } catch (StripeSyncException.Permanent e) {
            if (!"resource_missing".equals(e.stripeCode())) {
                throw e;
            }
        }
        if (RECREATE.equals(deletedCustomerAction)) {
            String created = stripe.create(event.customerId(), current.name(), current.email(), event.eventId() + ":recreate");
            sent.put(CustomerEvents.NAME, current.name());
            sent.put(CustomerEvents.EMAIL, current.email());
            LOG.warn("Stripe customer {} of customer {} was deleted outside Twoway; created again as {}", stripeId, event.customerId(), created);
            return created;
        }
        ledger.markDeletedInStripe(event.customerId(), stripeId);
        sent.clear();
        LOG.warn("Stripe customer {} of customer {} was deleted outside Twoway; the customer is deleted locally too", stripeId, event.customerId());
        return stripeId;
    }

    public void record(Exchange exchange) {
        CrashPoints.pass(CrashPoints.Point.SYNC_AFTER_STRIPE_ANSWER);
        CustomerSyncEvent event = exchange.getProperty(EVENT, CustomerSyncEvent.class);
        String stripeId = exchange.getMessage().getHeader(STRIPE_ID, String.class);
        @SuppressWarnings("unchecked")
        Map<String, String> sent = exchange.getProperty(SENT, Map.class);
        ledger.recordApplied(event, stripeId, sent.get(CustomerEvents.NAME), sent.get(CustomerEvents.EMAIL));
        activity.applied();
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
