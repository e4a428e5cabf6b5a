package io.twoway.stripe;

import com.stripe.StripeClient;
import com.stripe.exception.ApiConnectionException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.StripeException;
import com.stripe.net.RequestOptions;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerUpdateParams;
import org.springframework.stereotype.Component;

/**
 * Outward sync: the only place that calls Stripe's customer API. Every write carries the outbox event id as its
 * {@code Idempotency-Key}, and every failure leaves as a {@link StripeSyncException} that says whether to retry.
 */
@Component
public class StripeGateway {

    /** Metadata key on the Stripe customer that names the local customer id. */
    public static final String LOCAL_ID_METADATA = "twoway_customer_id";

    private final StripeClient stripe;

    public StripeGateway(StripeClient stripe) {
        this.stripe = stripe;
    }

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
    public com.stripe.model.Customer retrieve(String stripeId) {
        try {
            return stripe.v1().customers().retrieve(stripeId);
        } catch (StripeException e) {
            throw classify(e);
        }
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
        if (transientFailure) {
            return new StripeSyncException.Transient(message, status, e.getCode(), e);
        }
        String code = e.getCode() != null ? e.getCode() : (e instanceof InvalidRequestException ? "invalid_request" : null);
        return new StripeSyncException.Permanent(message, status, code, e);
    }
}
