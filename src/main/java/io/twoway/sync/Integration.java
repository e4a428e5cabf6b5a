package io.twoway.sync;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * An external system that Twoway keeps in step with the local catalog, registered under its name. Its name is also
 * the {@code system} of its {@code sync_state} rows and conflicts, the {@code source} of its inbox events (and of its
 * {@link io.twoway.inbox.WebhookApplier}), and the {@code origin} of the local writes it makes, which its outward side
 * never sends back. Its routes live in {@code routes/<name>-*.camel.yaml}, its parts in package
 * {@code io.twoway.<name>}; the README's "Adding an integration" says what a new one needs.
 */
public interface Integration {

    String name();

    boolean enabled();

    /** Its entry in {@code /admin/integrations/status}: routes, consumer group, breaker, budget, backlog, activity. */
    Map<String, Object> status();

    /** A breaker as the status shows it. */
    static Map<String, Object> breaker(CircuitBreaker breaker) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("state", breaker.getState().name().toLowerCase(Locale.ROOT));
        json.put("failure_rate", breaker.getMetrics().getFailureRate());
        json.put("not_permitted_calls", breaker.getMetrics().getNumberOfNotPermittedCalls());
        return json;
    }
}
