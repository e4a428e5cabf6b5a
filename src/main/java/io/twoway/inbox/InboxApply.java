package io.twoway.inbox;

import io.twoway.config.CrashPoints;
import io.micrometer.core.instrument.MeterRegistry;
import io.twoway.config.TwowayProperties;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.seda.SedaEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Inward sync: the {@code webhook-stripe-apply} step, the sweeper and the inbox's pruning. One transaction per event: claim it if still
 * pending, take the lock of its object (so the events of one customer apply one at a time, and those of different
 * customers in parallel), let the integration apply it, and store the outcome.
 */
@Component("inboxApply")
public class InboxApply {

    public static final String QUEUE = "seda:webhook-apply";
    private static final Logger LOG = LoggerFactory.getLogger(InboxApply.class);

    private final WebhookInbox inbox;
    private final Map<String, WebhookApplier> appliers;
    private final TransactionTemplate tx;
    private final CamelContext camel;
    private final MeterRegistry meters;
    private final long sweepAfterSeconds;
    private final long retentionHours;
    private final int queueSize;

    public InboxApply(WebhookInbox inbox, List<WebhookApplier> appliers, TransactionTemplate tx, CamelContext camel, TwowayProperties properties,
                      MeterRegistry meters) {
        this.meters = meters;
        this.inbox = inbox;
        this.appliers = appliers.stream().collect(Collectors.toMap(WebhookApplier::source, Function.identity()));
        this.tx = tx;
        this.camel = camel;
        this.sweepAfterSeconds = properties.webhook().sweepAfterSeconds();
        this.retentionHours = properties.webhook().retentionHours();
        this.queueSize = properties.webhook().queueSize();
    }

    public void apply(Exchange exchange) {
        String id = eventId(exchange);
        MDC.put("eventId", id);
        MDC.put("correlationId", id);
        Optional<Outcome> outcome = tx.execute(status -> inbox.claimPending(id).map(event -> {
            if (event.objectId() != null) {
                inbox.lockObject(event.source(), event.objectId());
            }
            WebhookApplier applier = appliers.get(event.source());
            if (applier == null) {
                throw new IllegalStateException("no apply step for source " + event.source());
            }
            Outcome result = applier.apply(event);
            CrashPoints.pass(CrashPoints.Point.INBOX_MID_APPLY);
            inbox.finish(id, result);
            return result;
        }));
        outcome.ifPresent(o -> meters.counter("twoway.webhooks.applied", "outcome", o.status()).increment());
        outcome.ifPresentOrElse(o -> LOG.info("Webhook {} {}: {}", id, o.status(), o.detail()),
                () -> LOG.debug("Webhook {} is no longer pending (applied already, or being applied)", id));
    }

    /** The error policy's last word: a poison event is parked; one that failed for a transient reason stays pending. */
    public void onFailure(Exchange exchange) {
        String id = eventId(exchange);
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        String error = cause == null ? "unknown" : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        try {
            if (WebhookApplyErrorPolicy.isTransient(cause)) {
                inbox.recordFailure(id, error);
                LOG.warn("Webhook {} not applied yet, left pending for the sweeper: {}", id, error);
            } else {
                inbox.park(id, error);
                meters.counter("twoway.webhooks.applied", "outcome", Outcome.PARKED).increment();
                LOG.error("Webhook {} parked: {}", id, error);
            }
        } catch (RuntimeException e) {
            LOG.warn("Webhook {} stays pending; its failure could not be recorded either: {}", id, e.getMessage());
        }
    }

    /**
     * Pending events that no one is applying (a crash, an outage, a burst the queue could not take): handed to the
     * apply queue once it has drained to a tenth of its size, up to half of it at a time.
     */
    public List<String> sweep() {
        int waiting = camel.getEndpoint(QUEUE, SedaEndpoint.class).getCurrentQueueSize();
        if (waiting > queueSize / 10) {
            return List.of();
        }
        List<String> due = inbox.duePending(sweepAfterSeconds, Math.max(1, queueSize / 2));
        if (!due.isEmpty()) {
            LOG.info("Sweeping {} pending webhook event(s) into the apply queue", due.size());
        }
        return due;
    }

    public int prune() {
        int pruned = inbox.prune(retentionHours);
        if (pruned > 0) {
            LOG.info("Pruned {} settled webhook events older than {} h", pruned, retentionHours);
        }
        return pruned;
    }

    private static String eventId(Exchange exchange) {
        String id = exchange.getProperty(StripeWebhookReceiver.APPLY_EVENT_ID, String.class);
        return id != null ? id : exchange.getMessage().getBody(String.class);
    }
}
