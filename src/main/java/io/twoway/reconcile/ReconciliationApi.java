package io.twoway.reconcile;

import com.fasterxml.jackson.databind.JsonNode;
import io.twoway.api.ApiException;
import io.twoway.api.ApiRequests;
import io.twoway.api.ApiResponses;
import io.twoway.config.TwowayProperties;
import io.twoway.stripe.StripeGateway;
import io.twoway.stripe.StripeSyncException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * Reconciliation: the HTTP side of the {@code /admin/reconciliation} routes: start a run, list and read reports with
 * their mismatches, and resolve mismatches one at a time or in bulk.
 */
@Component("reconciliationApi")
public class ReconciliationApi {

    private static final int MAX_BULK = 1000;
    private static final Set<String> SOURCES = Set.of("local", "stripe", "newest");

    private final Reconciler reconciler;
    private final ReconciliationStore store;
    private final MismatchRepair repair;
    private final StripeGateway stripe;
    private final int maxBodyBytes;

    public ReconciliationApi(Reconciler reconciler, ReconciliationStore store, MismatchRepair repair, StripeGateway stripe,
                             TwowayProperties properties) {
        this.reconciler = reconciler;
        this.store = store;
        this.repair = repair;
        this.stripe = stripe;
        this.maxBodyBytes = properties.api().maxBodyBytes();
    }

    /**
     * {@code POST /admin/reconciliation/run?auto_resolve=&dry_run=&source_of_truth=}: 202 with the report id; the
     * route hands the run to reconcile-run. Absent options take the settings.
     */
    public Map<String, Object> run(Exchange exchange) {
        Message in = exchange.getMessage();
        Boolean autoResolve = ApiRequests.queryBoolean(in, "auto_resolve", null);
        Boolean dryRun = ApiRequests.queryBoolean(in, "dry_run", false);
        String sourceOfTruth = ApiRequests.queryChoice(in, "source_of_truth", SOURCES);
        long id;
        try {
            id = reconciler.start("manual", ApiRequests.actor(in), null, autoResolve, dryRun, sourceOfTruth);
        } catch (RunInProgress e) {
            throw new ApiException(409, e.getMessage() + "; wait for it to finish", List.of(), Map.of("running_report_id", e.runningId()));
        }
        return started(in, Reconciler.REPORT_HEADER, id, "Reconciliation " + id + " started");
    }

    /**
     * The answer to a run request, for any integration's reconciliation: 202 with the opened report, its location, and
     * the report id in {@code header} for the route that hands it to the run.
     */
    public Map<String, Object> started(Message in, String header, long id, String message) {
        in.setHeader(header, id);
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        in.setHeader("Location", "/admin/reconciliation/reports/" + id);
        Map<String, Object> data = new LinkedHashMap<>(store.report(id).orElseThrow());
        data.put("report_id", id);
        return ApiResponses.success(message, data);
    }

    public Map<String, Object> reports(Exchange exchange) {
        Message in = exchange.getMessage();
        int skip = ApiRequests.queryInt(in, "skip", 0, Integer.MAX_VALUE, 0);
        int limit = ApiRequests.queryInt(in, "limit", 1, 1000, 20);
        return ApiResponses.success(null, ApiRequests.page(store.countReports(), skip, limit, store.reports(skip, limit)));
    }

    /** One report with a page of its mismatches, filtered by {@code kind} and {@code status}. */
    public Map<String, Object> report(Exchange exchange) {
        Message in = exchange.getMessage();
        long id = ApiRequests.pathId(in, "id", "Report");
        String kind = ApiRequests.queryChoice(in, "kind", Set.copyOf(Mismatch.KINDS));
        String status = ApiRequests.queryChoice(in, "status", Set.copyOf(Mismatch.STATUSES));
        int skip = ApiRequests.queryInt(in, "skip", 0, Integer.MAX_VALUE, 0);
        int limit = ApiRequests.queryInt(in, "limit", 1, 1000, 100);
        Map<String, Object> report = new LinkedHashMap<>(store.report(id).orElseThrow(() -> ApiException.notFound("Report " + id + " not found")));
        report.put("mismatches", ApiRequests.page(store.countMismatches(id, kind, status), skip, limit,
                store.mismatches(id, kind, status, skip, limit).stream().map(Mismatch::toJson).toList()));
        return ApiResponses.success(null, report);
    }

    public Map<String, Object> mismatch(Exchange exchange) {
        long id = ApiRequests.pathId(exchange.getMessage(), "id", "Mismatch");
        Map<String, Object> json = store.mismatch(id).orElseThrow(() -> notFound(id)).toJson();
        json.put("audit", store.auditTrail(id));
        return ApiResponses.success(null, json);
    }

    public Map<String, Object> resolve(Exchange exchange) {
        long id = ApiRequests.pathId(exchange.getMessage(), "id", "Mismatch");
        Resolution r = resolution(ApiRequests.jsonObject(exchange, maxBodyBytes), false);
        Mismatch resolved = resolve(id, r, ApiRequests.actor(exchange.getMessage()));
        return ApiResponses.success("Mismatch " + id + " resolved (" + resolved.action() + ")", resolved.toJson());
    }

    /** Resolves each id on its own; the answer says, per id, what happened (200, 400, 404 or 409 with the reason). */
    public Map<String, Object> resolveBulk(Exchange exchange) {
        Resolution r = resolution(ApiRequests.jsonObject(exchange, maxBodyBytes), true);
        String actor = ApiRequests.actor(exchange.getMessage());
        return ApiResponses.bulk(r.ids(), "mismatch(es) resolved", id -> "resolved (" + resolve(id, r, actor).action() + ")");
    }

    private Mismatch resolve(long id, Resolution r, String actor) {
        Mismatch m = store.mismatch(id).orElseThrow(() -> notFound(id));
        if (!Mismatch.OPEN.equals(m.status())) {
            throw alreadySettled(m);
        }
        String action = MismatchRules.action(m.kind(), m.field(), m.localValue(), r.direction());
        if (action == null) {
            throw new ApiException(400, "Invalid resolution request", List.of(ApiException.fieldError("direction",
                    r.direction() + " does not apply to a " + m.kind() + " mismatch")));
        }
        if (r.action() != null && !r.action().equals(action)) {
            throw new ApiException(400, "Invalid resolution request", List.of(ApiException.fieldError("resolution_action",
                    "for this " + m.kind() + " mismatch, direction " + r.direction() + " means " + action + ", not " + r.action())));
        }
        try {
            // what Stripe holds now, not what the run saw: the repair must not bring back a value that has moved on
            MismatchRules.Remote remote = m.stripeCustomerId() == null || Mismatch.NONE.equals(r.direction()) ? null
                    : stripe.find(m.stripeCustomerId()).map(Reconciler::remote).orElse(MismatchRules.Remote.GONE);
            return repair.apply(id, action, r.direction(), remote, actor);
        } catch (MismatchRepair.NotApplicable e) {
            throw new ApiException(409, "Mismatch " + id + " cannot be resolved that way now: " + e.getMessage());
        } catch (MismatchRepair.AlreadySettled e) {
            throw alreadySettled(e.mismatch());
        } catch (StripeSyncException e) {
            throw new ApiException(503, "Stripe could not be reached to resolve mismatch " + id + ": " + e.getMessage());
        }
    }

    private record Resolution(String action, String direction, List<Long> ids) {}

    private static Resolution resolution(JsonNode body, boolean bulk) {
        List<Map<String, Object>> errors = new ArrayList<>();
        ApiRequests.unknownFields(body, bulk ? Set.of("ids", "resolution_action", "direction") : Set.of("resolution_action", "direction"), errors);
        String direction = body.path("direction").isTextual() ? body.get("direction").asText() : null;
        if (direction == null || !Mismatch.DIRECTIONS.contains(direction)) {
            errors.add(ApiException.fieldError("direction", "must be one of " + String.join(", ", Mismatch.DIRECTIONS)));
        }
        JsonNode actionNode = body.get("resolution_action");
        String action = null;
        if (actionNode != null && !actionNode.isNull()) {
            if (!actionNode.isTextual() || actionNode.asText().isBlank()) {
                errors.add(ApiException.fieldError("resolution_action", "must be the name of a repair, such as update_remote or ignore"));
            } else {
                action = actionNode.asText();
            }
        }
        List<Long> ids = bulk ? ApiRequests.ids(body, MAX_BULK, "mismatch", errors) : List.of();
        if (!errors.isEmpty()) {
            throw new ApiException(400, "Invalid resolution request", errors);
        }
        return new Resolution(action, direction, ids);
    }

    private static ApiException notFound(long id) {
        return ApiException.notFound("Mismatch " + id + " not found");
    }

    private static ApiException alreadySettled(Mismatch m) {
        return new ApiException(409, "Mismatch " + m.id() + " is already " + m.status()
                + (m.conflictId() == null ? "" : "; resolve conflict " + m.conflictId() + " at /admin/conflicts/" + m.conflictId()));
    }
}
