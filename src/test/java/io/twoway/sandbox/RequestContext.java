package io.twoway.sandbox;

/** The Stripe request id and idempotency key of the API call being handled, recorded on the events it causes. */
record RequestContext(String requestId, String idempotencyKey) {
}
