package io.twoway.admin;

import com.fasterxml.jackson.databind.JsonNode;
import io.twoway.api.ApiException;
import io.twoway.api.ApiRequests;
import io.twoway.api.ApiResponses;
import io.twoway.config.TwowayProperties;
import io.twoway.stripe.DeadLetterReplay;
import io.twoway.stripe.DeadLetterStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/** Dead letters: the HTTP side of {@code /admin/dlq}: list, detail, replay one or many, discard. */
@Component("deadLetterApi")
public class DeadLetterApi {

    private static final Set<String> STATUSES = Set.of(DeadLetterStore.OPEN, DeadLetterStore.REPLAYED, DeadLetterStore.DISCARDED);
    private static final int MAX_BULK = 1000;

    private final DeadLetterStore store;
    private final DeadLetterReplay replay;
    private final int maxBodyBytes;

    public DeadLetterApi(DeadLetterStore store, DeadLetterReplay replay, TwowayProperties properties) {
        this.store = store;
        this.replay = replay;
        this.maxBodyBytes = properties.api().maxBodyBytes();
    }

    public Map<String, Object> list(Exchange exchange) {
        Message in = exchange.getMessage();
        String status = ApiRequests.queryChoice(in, "status", STATUSES);
        String errorClass = in.getHeader("error_class", String.class);
        errorClass = errorClass == null || errorClass.isBlank() ? null : errorClass;
        int skip = ApiRequests.queryInt(in, "skip", 0, Integer.MAX_VALUE, 0);
        int limit = ApiRequests.queryInt(in, "limit", 1, 1000, 100);
        return ApiResponses.success(null, ApiRequests.page(store.count(status, errorClass), skip, limit, store.list(status, errorClass, skip, limit)));
    }

    public Map<String, Object> get(Exchange exchange) {
        long id = ApiRequests.pathId(exchange.getMessage(), "id", "Dead letter");
        return ApiResponses.success(null, store.find(id).orElseThrow(() -> ApiException.notFound("Dead letter " + id + " not found")));
    }

    /** {@code POST /admin/dlq/{id}/replay}: 202, the customer's current state is on its way again. */
    public Map<String, Object> replay(Exchange exchange) {
        Message in = exchange.getMessage();
        long id = ApiRequests.pathId(in, "id", "Dead letter");
        String done = replay.replay(id, ApiRequests.actor(in));
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        return ApiResponses.success("Dead letter " + id + " " + done, store.find(id).orElseThrow());
    }

    /** {@code POST /admin/dlq/replay} {@code {"ids":[…]}} or {@code {"error_class":"…"}}: each on its own, a result per id. */
    public Map<String, Object> replayBulk(Exchange exchange) {
        JsonNode body = ApiRequests.jsonObject(exchange, maxBodyBytes);
        List<Map<String, Object>> errors = new ArrayList<>();
        ApiRequests.unknownFields(body, Set.of("ids", "error_class"), errors);
        boolean byClass = body.hasNonNull("error_class");
        if (byClass == body.has("ids")) {
            errors.add(ApiException.fieldError("ids", "give either ids or error_class"));
        }
        if (byClass && (!body.get("error_class").isTextual() || body.get("error_class").asText().isBlank())) {
            errors.add(ApiException.fieldError("error_class", "must be an error class name, as GET /admin/dlq shows it"));
        }
        List<Long> ids = byClass || !body.has("ids") ? List.of() : ApiRequests.ids(body, MAX_BULK, "dead letter", errors);
        if (!errors.isEmpty()) {
            throw new ApiException(400, "Invalid replay request", errors);
        }
        if (byClass) {
            ids = store.openIds(body.get("error_class").asText(), MAX_BULK);
        }
        String actor = ApiRequests.actor(exchange.getMessage());
        return ApiResponses.bulk(ids, "dead letter(s) replayed", id -> replay.replay(id, actor));
    }

    public Map<String, Object> discard(Exchange exchange) {
        Message in = exchange.getMessage();
        long id = ApiRequests.pathId(in, "id", "Dead letter");
        replay.discard(id, ApiRequests.actor(in));
        return ApiResponses.success("Dead letter " + id + " discarded", store.find(id).orElseThrow());
    }
}
