package io.twoway.salesforce;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.twoway.config.TwowayProperties;
import io.twoway.sync.Integration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;

/**
 * Salesforce, the second integration: customers as Contacts. Outward through a staged, batched sender under the org's
 * daily API budget; inward by polling (SOQL on SystemModstamp, getDeleted) into the shared inbox.
 */
@Component
@Order(2)
public class SalesforceIntegration implements Integration {

    private final TwowayProperties properties;
    private final SalesforceOutbound outbound;
    private final SalesforcePoller poller;
    private final SalesforceBudget budget;
    private final CircuitBreaker breaker;

    public SalesforceIntegration(TwowayProperties properties, SalesforceOutbound salesforceOutbound, SalesforcePoller salesforcePoller,
                                 SalesforceBudget salesforceBudget, CircuitBreaker salesforceCircuitBreaker) {
        this.properties = properties;
        this.outbound = salesforceOutbound;
        this.poller = salesforcePoller;
        this.budget = salesforceBudget;
        this.breaker = salesforceCircuitBreaker;
    }

    @Override
    public String name() {
        return SalesforceOutbound.SYSTEM;
    }

    @Override
    public boolean enabled() {
        return properties.salesforce().enabled();
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> salesforce = new LinkedHashMap<>();
        salesforce.put("name", name());
        salesforce.put("enabled", enabled());
        salesforce.put("routes", List.of("salesforce-customer-stage", "salesforce-outbound-send", "salesforce-dead-letter", "salesforce-poll"));
        salesforce.put("consumer_group", properties.salesforce().consumerGroup());
        salesforce.put("dlq_topic", properties.salesforce().dlqTopic());
        salesforce.put("breaker", Integration.breaker(breaker));
        salesforce.put("api_budget", budget.snapshot());
        salesforce.put("outbound", enabled() ? outbound.backlog() : Map.of());
        salesforce.put("inbound", enabled() ? poller.snapshot() : Map.of());
        return salesforce;
    }
}
