package io.twoway.admin;

import io.twoway.api.ApiException;
import io.twoway.api.ApiRequests;
import io.twoway.api.ApiResponses;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/** Operations: the HTTP side of {@code /admin/status}, {@code /admin/kafka/stats}, {@code /admin/integrations/status} and the timeline. */
@Component("operationsApi")
public class OperationsApi {

    private final OperationsStatus status;
    private final KafkaStats kafka;
    private final CustomerTimeline timeline;
    private final MetricsHistory history;

    public OperationsApi(OperationsStatus status, KafkaStats kafka, CustomerTimeline timeline, MetricsHistory history) {
        this.status = status;
        this.kafka = kafka;
        this.timeline = timeline;
        this.history = history;
    }

    public Map<String, Object> status(Exchange exchange) {
        return ApiResponses.success(null, status.status());
    }

    /** 503 when the broker does not answer: the numbers come from it, not from counters kept here. */
    public Map<String, Object> kafkaStats(Exchange exchange) {
        try {
            return ApiResponses.success(null, kafka.stats());
        } catch (Exception e) {
            throw new ApiException(503, "Kafka does not answer: " + e.getMessage());
        }
    }

    public Map<String, Object> integrations(Exchange exchange) {
        return ApiResponses.success(null, status.integrations());
    }

    public Map<String, Object> metricsHistory(Exchange exchange) {
        return ApiResponses.success(null, history.history());
    }

    /** {@code GET /admin/customers/search?q=}: by id, Stripe id, or the start of an email; deleted ones too. */
    public Map<String, Object> search(Exchange exchange) {
        String q = exchange.getMessage().getHeader("q", String.class);
        if (q == null || q.isBlank() || q.length() > 320) {
            throw new ApiException(400, "Invalid query parameter q", List.of(ApiException.fieldError("q",
                    "must be a customer id, a Stripe customer id (cus_…) or the start of an email, at most 320 characters")));
        }
        return ApiResponses.success(null, Map.of("items", timeline.search(q.strip(), 20)));
    }

    public Map<String, Object> timeline(Exchange exchange) {
        return ApiResponses.success(null, timeline.of(ApiRequests.pathId(exchange.getMessage(), "id", "Customer")));
    }
}
