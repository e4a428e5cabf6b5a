package io.twoway.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/** Thread-safe customer state; every effective change appends its event to the {@link EventLog} atomically. */
final class CustomerStore {

    static final List<String> SCALAR_FIELDS = List.of("description", "email", "name", "phone");

    private static final class Entry {
        final String id;
        final long seq;
        final long created;
        Map<String, Object> json;
        boolean deleted;

        Entry(String id, long seq, long created, Map<String, Object> json) {
            this.id = id;
            this.seq = seq;
            this.created = created;
            this.json = json;
        }
    }

    private final EventLog events;
    private final Map<String, Entry> byId = new HashMap<>();
    private long nextSeq;

    CustomerStore(EventLog events) {
        this.events = events;
    }

    /** Creates a customer from already validated scalar fields (null = unset) and metadata. */
    synchronized Map<String, Object> create(Map<String, String> fields, Map<String, String> metadata,
                                            RequestContext ctx) {
        String id;
        do {
            id = StripeIds.customer();
        } while (byId.containsKey(id));
        long created = Instant.now().getEpochSecond();
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", id);
        c.put("object", "customer");
        c.put("address", null);
        c.put("balance", 0);
        c.put("created", created);
        c.put("currency", null);
        c.put("default_source", null);
        c.put("delinquent", false);
        c.put("description", fields.get("description"));
        c.put("discount", null);
        c.put("email", fields.get("email"));
        c.put("invoice_prefix", StripeIds.invoicePrefix());
        Map<String, Object> invoiceSettings = new LinkedHashMap<>();
        invoiceSettings.put("custom_fields", null);
        invoiceSettings.put("default_payment_method", null);
        invoiceSettings.put("footer", null);
        invoiceSettings.put("rendering_options", null);
        c.put("invoice_settings", invoiceSettings);
        c.put("livemode", false);
        c.put("metadata", new LinkedHashMap<>(metadata));
        c.put("name", fields.get("name"));
        c.put("next_invoice_sequence", 1);
        c.put("phone", fields.get("phone"));
        c.put("preferred_locales", new ArrayList<>());
        c.put("shipping", null);
        c.put("tax_exempt", "none");
        c.put("test_clock", null);
        byId.put(id, new Entry(id, nextSeq++, created, c));
        events.append("customer.created", c, null, ctx);
        return SandboxJson.copy(c);
    }

    /**
     * Applies the given scalar fields (null value = unset) and metadata changes (null value = remove key); a
     * {@code clearMetadata} drops all keys first. No event when nothing changed.
     */
    @SuppressWarnings("unchecked")
    synchronized Map<String, Object> update(String id, Map<String, String> fields, boolean clearMetadata,
                                            Map<String, String> metadata, RequestContext ctx) {
        Entry e = live(id, "id");
        Map<String, Object> next = SandboxJson.copy(e.json);
        Map<String, Object> previous = new LinkedHashMap<>();
        fields.forEach((field, value) -> {
            if (!Objects.equals(next.get(field), value)) {
                previous.put(field, next.get(field));
                next.put(field, value);
            }
        });
        Map<String, Object> meta = (Map<String, Object>) next.get("metadata");
        Map<String, Object> before = new LinkedHashMap<>(meta);
        if (clearMetadata) {
            meta.clear();
        }
        metadata.forEach((key, value) -> {
            if (value == null) {
                meta.remove(key);
            } else {
                meta.put(key, value);
            }
        });
        Map<String, Object> previousMeta = new LinkedHashMap<>();
        Set<String> keys = new LinkedHashSet<>(before.keySet());
        keys.addAll(meta.keySet());
        for (String key : keys) {
            if (!Objects.equals(before.get(key), meta.get(key))) {
                previousMeta.put(key, before.get(key)); // null for keys that did not exist before
            }
        }
        if (!previousMeta.isEmpty()) {
            previous.put("metadata", previousMeta);
        }
        if (previous.isEmpty()) {
            return SandboxJson.copy(e.json);
        }
        e.json = next;
        events.append("customer.updated", next, previous, ctx);
        return SandboxJson.copy(next);
    }

    synchronized Map<String, Object> delete(String id, RequestContext ctx) {
        Entry e = live(id, "id");
        e.deleted = true;
        events.append("customer.deleted", e.json, null, ctx);
        return deletedShape(id);
    }

    /** The customer as GET serves it: full object, or the deleted stub; 404 when unknown. */
    synchronized Map<String, Object> retrieve(String id) {
        return find(id).orElseThrow(() -> StripeErrors.missing("customer", id, "id"));
    }

    synchronized Optional<Map<String, Object>> find(String id) {
        Entry e = byId.get(id);
        if (e == null) {
            return Optional.empty();
        }
        return Optional.of(e.deleted ? deletedShape(id) : SandboxJson.copy(e.json));
    }

    /** Live customers, newest first, as list items. */
    synchronized List<ListParams.Item> live() {
        return byId.values().stream()
                .filter(e -> !e.deleted)
                .sorted(Comparator.comparingLong((Entry e) -> e.seq).reversed())
                .map(e -> new ListParams.Item(e.id, e.seq, e.created, SandboxJson.copy(e.json)))
                .toList();
    }

    /** Creation sequence of any known customer (deleted too), or -1. */
    synchronized long seqOf(String id) {
        Entry e = byId.get(id);
        return e == null ? -1 : e.seq;
    }

    synchronized void reset() {
        byId.clear();
    }

    private Entry live(String id, String param) {
        Entry e = byId.get(id);
        if (e == null || e.deleted) {
            throw StripeErrors.missing("customer", id, param);
        }
        return e;
    }

    private static Map<String, Object> deletedShape(String id) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", id);
        m.put("object", "customer");
        m.put("deleted", true);
        return m;
    }
}
