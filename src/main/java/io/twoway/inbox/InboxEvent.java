package io.twoway.inbox;

import com.fasterxml.jackson.databind.JsonNode;

/** Inward sync: one stored webhook event, as the apply step reads it. */
public record InboxEvent(String id, String source, String type, long created, String objectId, JsonNode payload, int attempts) {}
