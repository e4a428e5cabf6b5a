package io.twoway.salesforce;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.twoway.config.TwowayProperties;
import io.twoway.customer.CustomerRepository;
import io.twoway.inbox.WebhookInbox;
import io.twoway.stripe.SyncLedger;
import io.twoway.sync.Breakers;
import io.twoway.sync.InwardMerge;
import java.time.Clock;
import io.twoway.reconcile.ReconciliationApi;
import io.twoway.reconcile.ReconciliationStore;
import io.twoway.reconcile.RunInProgress;
import org.apache.camel.CamelContext;
import org.apache.camel.ProducerTemplate;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The Salesforce integration's parts: the daily budget governor, the REST client (which logs in on its first call, so
 * that a disabled integration never calls out), its own circuit breaker, the outward batch sender, the inward poller and
 * the inward apply step. Its routes ({@code routes/salesforce-*.camel.yaml}) start only with
 * {@code SALESFORCE_INTEGRATION_ENABLED}.
 */
@Configuration(proxyBeanMethods = false)
public class SalesforceConfig {

    @Bean
    SalesforceBudget salesforceBudget(TwowayProperties properties, MeterRegistry meters) {
        return new SalesforceBudget(properties.salesforce(), Clock.systemUTC(), meters);
    }

    @Bean
    SalesforceClient salesforceClient(TwowayProperties properties, SalesforceBudget salesforceBudget, ObjectMapper json, CamelContext camel) {
        return new SalesforceClient(properties.salesforce(), salesforceBudget, json, camel);
    }

    /** Opens after {@code failureThreshold} consecutive failed calls (5xx, no answer); a refused record is Salesforce up. */
    @Bean
    CircuitBreaker salesforceCircuitBreaker(TwowayProperties properties, MeterRegistry meters) {
        return Breakers.create("salesforce", properties.breaker(), meters, config -> config);
    }

    @Bean
    SalesforceOutbound salesforceOutbound(SalesforceClient salesforceClient, SyncLedger ledger, SalesforceBudget salesforceBudget, CircuitBreaker salesforceCircuitBreaker,
                                          JdbcTemplate jdbc, TransactionTemplate tx, CamelContext camel, ObjectMapper json, MeterRegistry meters,
                                          TwowayProperties properties) {
        return new SalesforceOutbound(salesforceClient, ledger, salesforceBudget, salesforceCircuitBreaker, jdbc, tx, camel, json, meters, properties);
    }

    @Bean
    SalesforcePoller salesforcePoller(SalesforceClient salesforceClient, SalesforceBudget salesforceBudget, WebhookInbox inbox, JdbcTemplate jdbc,
                                      ObjectMapper json, MeterRegistry meters, TwowayProperties properties) {
        return new SalesforcePoller(salesforceClient, salesforceBudget, inbox, jdbc, json, meters, Clock.systemUTC(), properties);
    }

    /** A gap in the deleted-records window starts a reconciliation of Salesforce (unless one runs already). */
    @Bean
    SalesforceReconciler salesforceReconciler(SalesforceClient salesforceClient, SalesforceOutbound salesforceOutbound, SalesforcePoller salesforcePoller,
                                              WebhookInbox inbox, ReconciliationStore store, JdbcTemplate jdbc, ObjectMapper json,
                                              TwowayProperties properties, CamelContext camel) {
        SalesforceReconciler reconciler = new SalesforceReconciler(salesforceClient, salesforceOutbound, inbox, store, jdbc, json, properties);
        ProducerTemplate producer = camel.createProducerTemplate();
        salesforcePoller.onGap(since -> {
            try {
                producer.sendBodyAndHeader("direct:salesforce-reconcile-start", null, SalesforceReconciler.REPORT_HEADER, reconciler.start("gap", "poller"));
            } catch (RunInProgress running) {
                LoggerFactory.getLogger(SalesforceReconciler.class).info("Deletes gap: a Salesforce reconciliation runs already ({})", running.getMessage());
            }
        });
        return reconciler;
    }

    @Bean
    SalesforceApi salesforceApi(SalesforceReconciler salesforceReconciler, ReconciliationApi reconciliationApi, TwowayProperties properties) {
        return new SalesforceApi(salesforceReconciler, reconciliationApi, properties);
    }

    @Bean
    SalesforceInwardSync salesforceInwardSync(CustomerRepository customers, SyncLedger ledger, InwardMerge inward,
                                              SalesforceClient salesforceClient) {
        return new SalesforceInwardSync(customers, ledger, inward, salesforceClient);
    }
}
