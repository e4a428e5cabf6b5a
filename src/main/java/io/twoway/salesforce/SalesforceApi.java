package io.twoway.salesforce;

import io.twoway.api.ApiException;
import io.twoway.api.ApiRequests;
import io.twoway.config.TwowayProperties;
import io.twoway.reconcile.ReconciliationApi;
import io.twoway.reconcile.RunInProgress;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;

/** Admin API of the Salesforce integration: {@code POST /admin/integrations/salesforce/reconcile}. */
public class SalesforceApi {

    private final SalesforceReconciler reconciler;
    private final ReconciliationApi reconciliations;
    private final TwowayProperties properties;

    public SalesforceApi(SalesforceReconciler reconciler, ReconciliationApi reconciliations, TwowayProperties properties) {
        this.reconciler = reconciler;
        this.reconciliations = reconciliations;
        this.properties = properties;
    }

    /** 202 with the report; the route hands the run to salesforce-reconcile-run. */
    public Map<String, Object> reconcile(Exchange exchange) {
        if (!properties.salesforce().enabled()) {
            throw new ApiException(409, "The Salesforce integration is not enabled (SALESFORCE_INTEGRATION_ENABLED)", List.of(), null);
        }
        Message in = exchange.getMessage();
        long id;
        try {
            id = reconciler.start("manual", ApiRequests.actor(in));
        } catch (RunInProgress e) {
            throw new ApiException(409, e.getMessage() + "; wait for it to finish", List.of(), Map.of("running_report_id", e.runningId()));
        }
        return reconciliations.started(in, SalesforceReconciler.REPORT_HEADER, id, "Salesforce reconciliation " + id + " started");
    }
}
