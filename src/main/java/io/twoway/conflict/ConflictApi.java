package io.twoway.conflict;

import com.fasterxml.jackson.databind.JsonNode;
import io.twoway.api.ApiException;
import io.twoway.api.ApiRequests;
import io.twoway.api.ApiResponses;
import io.twoway.config.TwowayProperties;
import io.twoway.customer.CustomerEvents;
import io.twoway.customer.CustomerInput;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/** Conflicts: the HTTP side of the {@code /admin/conflicts} routes: list, detail, stats, resolve one or many. */
@Component("conflictApi")
public class ConflictApi {

    private static final Set<String> STATUSES = Set.of(Conflict.OPEN, Conflict.AUTO_RESOLVED, Conflict.RESOLVED);
    private static final Set<String> TYPES = Set.of(ConflictPolicy.EMAIL_COLLISION, ConflictPolicy.CONCURRENT_EDIT);
    private static final int MAX_BULK = 1000;

    private final ConflictStore store;
    private final ConflictResolver resolver;

    private final int maxBodyBytes;

    public ConflictApi(ConflictStore store, ConflictResolver resolver, TwowayProperties properties) {
        this.maxBodyBytes = properties.api().maxBodyBytes();
        this.store = store;
        this.resolver = resolver;
    }

    public Map<String, Object> list(Exchange exchange) {
        Message in = exchange.getMessage();
        String status = ApiRequests.queryChoice(in, "status", STATUSES);
        String type = ApiRequests.queryChoice(in, "type", TYPES);
        int skip = ApiRequests.queryInt(in, "skip", 0, Integer.MAX_VALUE, 0);
        int limit = ApiRequests.queryInt(in, "limit", 1, 1000, 100);
        return ApiResponses.success(null, ApiRequests.page(store.count(status, type), skip, limit, store.list(status, type, skip, limit).stream().map(Conflict::toJson).toList()));
    }

    public Map<String, Object> get(Exchange exchange) {
        long id = ApiRequests.pathId(exchange.getMessage(), "id", "Conflict");
        Conflict conflict = store.find(id).orElseThrow(() -> ApiException.notFound("Conflict " + id + " not found"));
        Map<String, Object> json = conflict.toJson();
        json.put("audit", store.auditTrail(id));
        return ApiResponses.success(null, json);
    }

    public Map<String, Object> stats(Exchange exchange) {
        return ApiResponses.success(null, store.stats());
    }

    public Map<String, Object> resolve(Exchange exchange) {
        long id = ApiRequests.pathId(exchange.getMessage(), "id", "Conflict");
        Resolution r = resolution(ApiRequests.jsonObject(exchange, maxBodyBytes), false);
        Conflict resolved = resolver.resolve(id, r.resolution(), r.merged(), ApiRequests.actor(exchange.getMessage()));
        return ApiResponses.success("Conflict " + id + " resolved (" + r.resolution() + ")", resolved.toJson());
    }

    /** Resolves each id on its own; the answer says, per id, what happened (200, 404 or 409 with the reason). */
    public Map<String, Object> resolveBulk(Exchange exchange) {
        Resolution r = resolution(ApiRequests.jsonObject(exchange, maxBodyBytes), true);
        String actor = ApiRequests.actor(exchange.getMessage());
        return ApiResponses.bulk(r.ids(), "conflict(s) resolved", id -> {
            resolver.resolve(id, r.resolution(), r.merged(), actor);
            return "resolved";
        });
    }

    private record Resolution(String resolution, Map<String, String> merged, List<Long> ids) {}

    private static Resolution resolution(JsonNode body, boolean bulk) {
        List<Map<String, Object>> errors = new ArrayList<>();
        ApiRequests.unknownFields(body, bulk ? Set.of("ids", "resolution", "merged") : Set.of("resolution", "merged"), errors);
        String resolution = body.path("resolution").isTextual() ? body.get("resolution").asText() : null;
        if (resolution == null || !ConflictResolver.RESOLUTIONS.contains(resolution)) {
            errors.add(ApiException.fieldError("resolution", "must be one of " + String.join(", ", ConflictResolver.RESOLUTIONS)));
        }
        Map<String, String> merged = new LinkedHashMap<>();
        JsonNode mergedNode = body.get("merged");
        if ("manual_merge".equals(resolution)) {
            if (mergedNode == null || !mergedNode.isObject() || mergedNode.isEmpty()) {
                errors.add(ApiException.fieldError("merged", "must be an object with name and/or email for manual_merge"));
            } else {
                try {
                    CustomerInput input = CustomerInput.forUpdate("application/json", mergedNode.toString());
                    if (input.name() != null) {
                        merged.put(CustomerEvents.NAME, input.name());
                    }
                    if (input.email() != null) {
                        merged.put(CustomerEvents.EMAIL, input.email());
                    }
                } catch (ApiException e) {
                    e.errors().forEach(error -> errors.add(ApiException.fieldError("merged." + error.get("field"), String.valueOf(error.get("message")))));
                }
            }
        } else if (mergedNode != null && !mergedNode.isNull()) {
            errors.add(ApiException.fieldError("merged", "only allowed with manual_merge"));
        }
        List<Long> ids = bulk ? ApiRequests.ids(body, MAX_BULK, "conflict", errors) : List.of();
        if (!errors.isEmpty()) {
            throw new ApiException(400, "Invalid resolution request", errors);
        }
        return new Resolution(resolution, merged, ids);
    }
}
