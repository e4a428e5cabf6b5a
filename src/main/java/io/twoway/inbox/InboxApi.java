package io.twoway.inbox;

import io.twoway.api.ApiException;
import io.twoway.api.ApiRequests;
import io.twoway.api.ApiResponses;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.ProducerTemplate;
import org.springframework.stereotype.Component;

/** Inward sync: the HTTP side of {@code /admin/webhooks}: what arrived, what became of it, and a retry for a parked event. */
@Component("inboxApi")
public class InboxApi {

    private static final Set<String> STATUSES = Set.of(Outcome.PENDING, Outcome.APPLIED, Outcome.CONFLICT, Outcome.ECHO, Outcome.STALE,
            Outcome.NOOP, Outcome.SKIPPED, Outcome.IGNORED, Outcome.PARKED);

    private final WebhookInbox inbox;
    private final ProducerTemplate producer;

    public InboxApi(WebhookInbox inbox, ProducerTemplate producer) {
        this.inbox = inbox;
        this.producer = producer;
    }

    public Map<String, Object> list(Exchange exchange) {
        Message in = exchange.getMessage();
        String status = ApiRequests.queryChoice(in, "status", STATUSES);
        String type = in.getHeader("type", String.class);
        int skip = ApiRequests.queryInt(in, "skip", 0, Integer.MAX_VALUE, 0);
        int limit = ApiRequests.queryInt(in, "limit", 1, 1000, 100);
        return ApiResponses.success(null, ApiRequests.page(inbox.count(status, type), skip, limit, inbox.list(status, type, skip, limit)));
    }

    public Map<String, Object> get(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        return ApiResponses.success(null, inbox.find(id).orElseThrow(() -> ApiException.notFound("Webhook event " + id + " not found")));
    }

    /** A parked event goes back to pending and into the apply queue. */
    public Map<String, Object> retry(Exchange exchange) {
        String id = exchange.getMessage().getHeader("id", String.class);
        if (!inbox.retry(id)) {
            throw inbox.find(id).isEmpty() ? ApiException.notFound("Webhook event " + id + " not found")
                    : new ApiException(409, "Webhook event " + id + " is not parked");
        }
        producer.sendBodyAndProperty(InboxApply.QUEUE + "?waitForTaskToComplete=Never", id, StripeWebhookReceiver.APPLY_EVENT_ID, id);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        return ApiResponses.success("Webhook event " + id + " queued for another attempt", Map.of("event_id", id, "status", Outcome.PENDING));
    }
}
