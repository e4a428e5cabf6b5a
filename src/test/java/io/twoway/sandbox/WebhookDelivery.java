package io.twoway.sandbox;

import java.time.Instant;

/**
 * One webhook delivery attempt; {@code status} is -1 on an I/O error, {@code attempt} counts from 1. A
 * {@code dropped} entry (status 0) records an event that a fault made the sandbox lose: it was never sent.
 */
public record WebhookDelivery(Instant at, String eventId, String eventType, int status, int attempt, boolean dropped) {

    public WebhookDelivery(Instant at, String eventId, String eventType, int status, int attempt) {
        this(at, eventId, eventType, status, attempt, false);
    }
}
