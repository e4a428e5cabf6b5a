package io.twoway.stripe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.model.StripeCollection;
import com.stripe.net.ApiResource;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerListParams;
import com.stripe.param.CustomerUpdateParams;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Outward sync: the only place that calls Stripe's customer API. Every write carries the outbox event id as its
 * {@code Idempotency-Key}, and every failure leaves as a {@link StripeSyncException} that says whether to retry.
 * Reconciliation, catch-up and backfill read through it too, so every call shares the one rate governor.
 */
@Component
public class StripeGateway {

    /** Metadata key on the Stripe customer that names the local customer id. */
    public static final String LOCAL_ID_METADATA = "twoway_customer_id";

    /** Stripe's largest list page. */
    public static final int PAGE_LIMIT = 100;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StripeClient stripe;

    public StripeGateway(StripeClient stripe) {
        this.stripe = stripe;
    }

    /** One page of live customers, newest first, after {@code startingAfter} (null: from the newest). */
    public record CustomerPage(List<Customer> customers, boolean hasMore) {}

    /** One page of events as Stripe rendered them (raw JSON, as a webhook carries them), newest first. */
    public record EventPage(List<JsonNode> events, boolean hasMore) {}

    public String create(long localId, String name, String email, String idempotencyKey) {
        CustomerCreateParams params = CustomerCreateParams.builder()
                .setName(name).setEmail(email).putMetadata(LOCAL_ID_METADATA, String.valueOf(localId)).build();
        return call(() -> stripe.v1().customers().create(params, key(idempotencyKey)).getId());
    }

    /** Sets the given fields; a null one is left as Stripe has it. */
    public void update(String stripeId, String name, String email, String idempotencyKey) {
        CustomerUpdateParams.Builder builder = CustomerUpdateParams.builder();
        if (name != null) {
            builder.setName(name);
        }
        if (email != null) {
            builder.setEmail(email);
        }
        CustomerUpdateParams params = builder.build();
        call(() -> stripe.v1().customers().update(stripeId, params, key(idempotencyKey)).getId());
    }

    /** Deletes the Stripe customer; one that is already gone counts as deleted. */
    public void delete(String stripeId, String idempotencyKey) {
        try {
            call(() -> stripe.v1().customers().delete(stripeId, key(idempotencyKey)).getId());
        } catch (StripeSyncException.Permanent e) {
            if (!"resource_missing".equals(e.stripeCode())) {
                throw e;
            }
        }
    }

    /** The customer as Stripe holds it now (a deleted one as {@code deleted: true}); for ordering what webhooks cannot. */
    public Customer retrieve(String stripeId) {
        try {
            return stripe.v1().customers().retrieve(stripeId);
        } catch (StripeException e) {
            throw classify(e);
        }
    }

    /** The customer as Stripe holds it now, deleted ones included; empty when Stripe does not know the id at all. */
    public Optional<Customer> find(String stripeId) {
        try {
            return Optional.of(retrieve(stripeId));
        } catch (StripeSyncException.Permanent e) {
            if ("resource_missing".equals(e.stripeCode())) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * The live Stripe customer that carries this local id in its metadata, looked up by email (Stripe's list by email
     * is read-after-write; its search is not): a create whose answer was lost made it.
     */
    public Optional<String> findByLocalId(long localId, String email) {
        if (email == null || email.isBlank()) {
            return Optional.empty();
        }
        try {
            StripeCollection<Customer> found = stripe.v1().customers().list(CustomerListParams.builder().setEmail(email).setLimit((long) PAGE_LIMIT).build());
            return found.getData().stream().filter(c -> Long.valueOf(localId).equals(RemoteCustomer.localId(c.getMetadata()))).map(Customer::getId).findFirst();
        } catch (StripeException e) {
            throw classify(e);
        }
    }

    /** The cheapest authenticated read (one customer listed): Stripe is reachable and takes the key. */
    public void ping() {
        try {
            stripe.v1().customers().list(CustomerListParams.builder().setLimit(1L).build());
        } catch (StripeException e) {
            throw classify(e);
        }
    }

    public CustomerPage listCustomers(String startingAfter) {
        CustomerListParams.Builder params = CustomerListParams.builder().setLimit((long) PAGE_LIMIT);
        if (startingAfter != null) {
            params.setStartingAfter(startingAfter);
        }
        try {
            StripeCollection<Customer> page = stripe.v1().customers().list(params.build());
            return new CustomerPage(page.getData(), Boolean.TRUE.equals(page.getHasMore()));
        } catch (StripeException e) {
            throw classify(e);
        }
    }

    /**
     * One page of {@code customer.*} events created at or after {@code createdGte} (unix seconds). Read raw, because
     * an event's object is rendered in the API version in force when it was created, which the SDK may not parse.
     */
    public EventPage listCustomerEvents(long createdGte, String startingAfter) {
        String query = "type=" + encode("customer.*") + "&" + encode("created[gte]") + "=" + createdGte + "&limit=" + PAGE_LIMIT
                + (startingAfter == null ? "" : "&starting_after=" + encode(startingAfter));
        try {
            JsonNode page = JSON.readTree(stripe.rawRequest(ApiResource.RequestMethod.GET, "/v1/events?" + query, null).body());
            List<JsonNode> events = new ArrayList<>();
            page.path("data").forEach(events::add);
            return new EventPage(events, page.path("has_more").asBoolean(false));
        } catch (StripeException e) {
            throw classify(e);
        } catch (JsonProcessingException e) {
            throw new StripeSyncException.Transient("Stripe answered the event list with malformed JSON: " + e.getOriginalMessage(), null, null, e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private static RequestOptions key(String idempotencyKey) {
        return RequestOptions.builder().setIdempotencyKey(idempotencyKey).build();
    }

    private interface StripeCall {
        String run() throws StripeException;
    }

    private static String call(StripeCall call) {
        try {
            return call.run();
        } catch (StripeException e) {
            throw classify(e);
        }
    }

    static StripeSyncException classify(StripeException e) {
        Integer status = e.getStatusCode();
        String message = "Stripe " + (status == null ? "I/O error" : status) + ": " + e.getMessage();
        boolean transientFailure = e instanceof ApiConnectionException
                || status == null || status == 429 || status == 409 || status >= 500;
        if (status != null && status == 429) {
            return new StripeSyncException.RateLimited(message, status, e.getCode(), e);
        }
        if (transientFailure) {
            return new StripeSyncException.Transient(message, status, e.getCode(), e);
        }
        String code = e.getCode() != null ? e.getCode() : (e instanceof InvalidRequestException ? "invalid_request" : null);
        return new StripeSyncException.Permanent(message, status, code, e);
    }
}
