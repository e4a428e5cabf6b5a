package io.twoway.stripe;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.twoway.admin.KafkaStats;
import io.twoway.config.TwowayProperties;
import io.twoway.sync.Integration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Stripe, the first integration: outward through {@code stripe-customer-sync} (one Stripe call per event, under the
 * account's per-second rate shared by the instances), inward through signed webhooks and the event catch-up.
 */
@Component
@Order(1)
public class StripeIntegration implements Integration {

    private final TwowayProperties properties;
    private final KafkaStats kafka;
    private final CircuitBreaker breaker;
    private final SharedRateBudget budget;
    private final SyncActivity activity;

    public StripeIntegration(TwowayProperties properties, KafkaStats kafka, CircuitBreaker stripeCircuitBreaker, SharedRateBudget stripeRateBudget,
                             SyncActivity stripeActivity) {
        this.properties = properties;
        this.kafka = kafka;
        this.breaker = stripeCircuitBreaker;
        this.budget = stripeRateBudget;
        this.activity = stripeActivity;
    }

    @Override
    public String name() {
        return SyncLedger.SYSTEM;
    }

    @Override
    public boolean enabled() {
        return properties.stripe().enabled();
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> stripe = new LinkedHashMap<>();
        stripe.put("name", name());
        stripe.put("enabled", enabled());
        stripe.put("route", "stripe-customer-sync");
        stripe.put("routes", List.of("stripe-customer-sync", "webhook-stripe-receive", "webhook-stripe-apply", "stripe-events-catchup"));
        stripe.put("consumer_group", kafka.syncGroup());
        stripe.put("dlq_topic", properties.kafka().dlqTopic());
        stripe.put("breaker", Integration.breaker(breaker));
        stripe.put("rate_limit_per_second", properties.stripe().rateLimit());
        // the account's budget, shared by the instances that send now; each instance's share and lease
        Map<String, Object> rate = new LinkedHashMap<>();
        rate.put("this_instance_per_second", budget.share());
        rate.put("sharing_instances", budget.sharingMembers());
        rate.put("members", budget.members());
        stripe.put("rate_budget", rate);
        stripe.putAll(activity.toJson());
        return stripe;
    }
}
