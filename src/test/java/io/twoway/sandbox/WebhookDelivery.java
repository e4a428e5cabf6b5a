package io.twoway.sandbox;

import java.time.Instant;

/** One webhook delivery attempt; {@code status} is -1 on an I/O error, {@code attempt} counts from 1. */
public record WebhookDelivery(Instant at, String eventId, String eventType, int status, int attempt) {
}
