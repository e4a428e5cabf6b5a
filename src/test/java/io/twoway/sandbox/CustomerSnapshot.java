package io.twoway.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.Map;

/** An immutable customer snapshot, shared by the store and its events; {@link #json()} renders Stripe's object. */
record CustomerSnapshot(String id, long created, String invoicePrefix, String description, String email,
                        String name, String phone,
                        String[] metadata /* keys and values alternating, in order: compacter than a map */) {

    private static final String[] NO_METADATA = {};

    static CustomerSnapshot of(String id, long created, Map<String, String> fields, Map<String, String> metadata) {
        return new CustomerSnapshot(id, created, StripeIds.invoicePrefix(), fields.get("description"),
                fields.get("email"), fields.get("name"), fields.get("phone"), pairs(metadata));
    }

    /** One of the {@link CustomerStore#SCALAR_FIELDS}. */
    String field(String field) {
        return switch (field) {
            case "description" -> description;
            case "email" -> email;
            case "name" -> name;
            case "phone" -> phone;
            default -> throw new IllegalArgumentException("not a scalar field: " + field);
        };
    }

    /** A copy with one of the scalar fields changed. */
    CustomerSnapshot with(String field, String value) {
        return new CustomerSnapshot(id, created, invoicePrefix, field.equals("description") ? value : description,
                field.equals("email") ? value : email, field.equals("name") ? value : name,
                field.equals("phone") ? value : phone, metadata);
    }

    CustomerSnapshot withMetadata(Map<String, String> next) {
        return new CustomerSnapshot(id, created, invoicePrefix, description, email, name, phone, pairs(next));
    }

    /** A fresh, mutable, ordered copy of the metadata. */
    Map<String, String> metadataMap() {
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < metadata.length; i += 2) {
            out.put(metadata[i], metadata[i + 1]);
        }
        return out;
    }

    /** The full customer object as Stripe serves it, freshly built (the caller may change it). */
    Map<String, Object> json() {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id);
        c.put("object", "customer");
        c.put("address", null);
        c.put("balance", 0);
        c.put("created", created);
        c.put("currency", null);
        c.put("default_source", null);
        c.put("delinquent", false);
        c.put("description", description);
        c.put("discount", null);
        c.put("email", email);
        c.put("invoice_prefix", invoicePrefix);
        Map<String, Object> invoiceSettings = new LinkedHashMap<>();
        invoiceSettings.put("custom_fields", null);
        invoiceSettings.put("default_payment_method", null);
        invoiceSettings.put("footer", null);
        invoiceSettings.put("rendering_options", null);
        c.put("invoice_settings", invoiceSettings);
        c.put("livemode", false);
        c.put("metadata", metadataMap());
        c.put("name", name);
        c.put("next_invoice_sequence", 1);
        c.put("phone", phone);
        c.put("preferred_locales", new ArrayList<>());
        c.put("shipping", null);
        c.put("tax_exempt", "none");
        c.put("test_clock", null);
        return c;
    }

    private static String[] pairs(Map<String, String> map) {
        if (map.isEmpty()) {
            return NO_METADATA;
        }
        String[] out = new String[map.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : map.entrySet()) {
            out[i++] = e.getKey();
            out[i++] = e.getValue();
        }
        return out;
    }
}
