package io.twoway.reconcile;

import io.twoway.api.ApiException;
import io.twoway.api.ApiRequests;
import io.twoway.api.ApiResponses;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/** Backfill and catch-up: the HTTP side of {@code /admin/backfill} (start or resume, progress, stop) and {@code /admin/catchup}. */
@Component("backfillApi")
public class BackfillApi {

    private final Backfill backfill;
    private final StripeEventsCatchup catchup;

    public BackfillApi(Backfill backfill, StripeEventsCatchup catchup) {
        this.backfill = backfill;
        this.catchup = catchup;
    }

    /** {@code POST /admin/backfill?restart=}: 202; the route hands the run to backfill-run. */
    public Map<String, Object> start(Exchange exchange) {
        Message in = exchange.getMessage();
        boolean restart = ApiRequests.queryBoolean(in, "restart", false);
        Backfill.Claim claim;
        try {
            claim = backfill.start(ApiRequests.actor(in), restart);
        } catch (RunInProgress e) {
            throw new ApiException(409, e.getMessage() + "; GET /admin/backfill shows its progress", List.of(), Map.of("running_backfill_id", e.runningId()));
        }
        long id = claim.id();
        in.setHeader(Backfill.RUN_HEADER, id);
        in.setHeader(Backfill.OWNER_HEADER, claim.owner());
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, 202);
        in.setHeader("Location", "/admin/backfill");
        Map<String, Object> data = new LinkedHashMap<>(backfill.latest().orElseThrow());
        return ApiResponses.success("Backfill " + id + (data.get("cursor") == null ? " started" : " resumed after " + data.get("cursor")), data);
    }

    public Map<String, Object> status(Exchange exchange) {
        return ApiResponses.success(null, backfill.latest().orElseThrow(() -> ApiException.notFound("No backfill has run yet")));
    }

    public Map<String, Object> stop(Exchange exchange) {
        long id = backfill.stop().orElseThrow(() -> new ApiException(409, "No backfill is running"));
        return ApiResponses.success("Backfill " + id + " stops after its current page; POST /admin/backfill resumes it", backfill.latest().orElseThrow());
    }

    public Map<String, Object> catchup(Exchange exchange) {
        return ApiResponses.success(null, catchup.status());
    }

    /** After {@code POST /admin/catchup/run} read the log: the body holds the ids of the new pending events. */
    public Map<String, Object> catchupRan(Exchange exchange) {
        List<?> fresh = exchange.getMessage().getBody(List.class);
        int n = fresh == null ? 0 : fresh.size();
        return ApiResponses.success("Event catch-up read Stripe's event log: " + n + " new event(s) for the inbox", catchup.status());
    }
}
