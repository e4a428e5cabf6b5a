package io.twoway.admin;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.twoway.config.TwowayProperties;
import io.twoway.reconcile.ReconciliationStore;
import io.twoway.sync.Integration;
import io.twoway.reconcile.StripeEventsCatchup;
import io.twoway.config.Roles;
import io.twoway.stripe.DeadLetterStore;
import io.twoway.stripe.SharedRateBudget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.Route;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.api.management.mbean.ManagedRouteMBean;
import org.springframework.stereotype.Component;

/**
 * Operations: the service at a glance, for {@code /admin/status} and {@code /admin/integrations/status}: what it
 * depends on and how fast it answers, each route's state and counts, the outbox backlog, consumer lag, dead letters,
 * the breaker, the last reconciliation and the event catch-up, and each integration's recent activity.
 */
@Component
public class OperationsStatus {

    private final Probes probes;
    private final KafkaStats kafka;
    private final CamelContext camel;
    private final CircuitBreaker breaker;
    private final DeadLetterStore deadLetters;
    private final ReconciliationStore reconciliations;
    private final StripeEventsCatchup catchup;
    private final TwowayProperties properties;
    private final SharedRateBudget stripeBudget;
    private final Roles roles;
    private final List<Integration> integrations;

    public OperationsStatus(Probes probes, KafkaStats kafka, CamelContext camel, CircuitBreaker stripeCircuitBreaker, DeadLetterStore deadLetters,
                            ReconciliationStore reconciliations, StripeEventsCatchup catchup, TwowayProperties properties,
                            SharedRateBudget stripeRateBudget, Roles roles, List<Integration> integrations) {
        this.probes = probes;
        this.kafka = kafka;
        this.camel = camel;
        this.breaker = stripeCircuitBreaker;
        this.deadLetters = deadLetters;
        this.reconciliations = reconciliations;
        this.catchup = catchup;
        this.properties = properties;
        this.stripeBudget = stripeRateBudget;
        this.roles = roles;
        this.integrations = integrations;
    }

    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("instance", Map.of("roles", roles.toString(), "member", stripeBudget.member()));
        Map<String, Object> dependencies = new LinkedHashMap<>();
        dependencies.put("database", probes.database().toJson());
        Probes.Probe kafkaProbe = probes.kafka();
        dependencies.put("kafka", kafkaProbe.toJson());
        Probes.Probe stripe = probes.stripe();
        dependencies.put("stripe", stripe == null ? Map.of("enabled", properties.stripe().enabled(), "probed_here", false) : stripe.toJson());
        status.put("dependencies", dependencies);
        Probes.Backlog backlog = probes.outbox();
        status.put("outbox", Map.of("backlog", backlog.events(), "oldest_unpublished_age_seconds", backlog.oldestAgeSeconds()));
        Map<String, Object> lag = new LinkedHashMap<>();
        if (kafkaProbe.up()) {
            try {
                kafkaLag(lag);
            } catch (Exception e) {
                lag.put("error", e.getMessage());
            }
        }
        status.put("consumer_lag", lag);
        status.put("dead_letters", Map.of("open", deadLetters.count(DeadLetterStore.OPEN, null), "total", deadLetters.count(null, null)));
        status.put("breaker", Integration.breaker(breaker));
        status.put("routes", routes());
        status.put("last_reconciliation", reconciliations.reports(0, 1).stream().findFirst().map(r -> {
            Map<String, Object> last = new LinkedHashMap<>(r);
            last.keySet().retainAll(List.of("id", "status", "trigger", "started_at", "finished_at", "counts", "error"));
            return last;
        }).orElse(null));
        status.put("catchup", catchup.status());
        return status;
    }

    /** Every integration Twoway knows, enabled or not, with its breaker, budget and recent activity. */
    public List<Map<String, Object>> integrations() {
        return integrations.stream().map(Integration::status).toList();
    }

    private void kafkaLag(Map<String, Object> lag) throws Exception {
        for (Object group : (List<?>) kafka.stats().get("consumer_groups")) {
            Map<?, ?> g = (Map<?, ?>) group;
            lag.put(String.valueOf(g.get("group")), g.get("lag"));
        }
    }

    /** Each route: its state, and its exchange counts where JMX statistics are on (in flight always). */
    private List<Map<String, Object>> routes() {
        ManagedCamelContext managed = camel.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class);
        List<Map<String, Object>> routes = new ArrayList<>();
        for (Route route : camel.getRoutes()) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("id", route.getRouteId());
            json.put("state", camel.getRouteController().getRouteStatus(route.getRouteId()).name().toLowerCase(Locale.ROOT));
            json.put("inflight", camel.getInflightRepository().size(route.getRouteId()));
            ManagedRouteMBean stats = managed == null ? null : managed.getManagedRoute(route.getRouteId());
            if (stats != null) {
                json.put("exchanges_total", stats.getExchangesTotal());
                json.put("exchanges_failed", stats.getExchangesFailed());
                json.put("last_processing_time_ms", stats.getLastProcessingTime());
            }
            routes.add(json);
        }
        routes.sort((a, b) -> String.valueOf(a.get("id")).compareTo(String.valueOf(b.get("id"))));
        return routes;
    }
}
