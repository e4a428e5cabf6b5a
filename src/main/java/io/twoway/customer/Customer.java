package io.twoway.customer;

import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** Customer catalog: one row of the local catalog, the source of truth for outward sync. */
public record Customer(long id, String name, String email, String stripeCustomerId, boolean active, long version,
                       String origin, OffsetDateTime createdAt, OffsetDateTime updatedAt) {

    /** The synced fields, by their API name. */
    public String field(String field) {
        return CustomerEvents.field(field, name, email);
    }

    /** The JSON shape of the REST API and of outbox payloads. */
    public Map<String, Object> toJson() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("id", id);
        json.put("name", name);
        json.put("email", email);
        json.put("stripe_customer_id", stripeCustomerId);
        json.put("is_active", active);
        json.put("version", version);
        json.put("origin", origin);
        json.put("created_at", createdAt.toString());
        json.put("updated_at", updatedAt.toString());
        return json;
    }
}
