package io.twoway.sandbox;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;

/** Thread-safe customer state, live ones ordered for paging; every change appends its event to the {@link EventLog}. */
final class CustomerStore {

    static final List<String> SCALAR_FIELDS = List.of("description", "email", "name", "phone");

    /** A known customer (deleted ones stay, for retrieve and for cursors): list position and current snapshot. */
    private static final class Entry {
        final long seq;
        CustomerSnapshot customer;
        boolean deleted;

        Entry(long seq, CustomerSnapshot customer) {
            this.seq = seq;
            this.customer = customer;
        }
    }

    private final EventLog events;
    private final Map<String, Entry> byId = new HashMap<>();
    private final NavigableMap<Long, Entry> live = new TreeMap<>(); // by creation sequence: newest last
    private long nextSeq;

    CustomerStore(EventLog events) {
        this.events = events;
    }

    /** Creates a customer from already validated scalar fields (null = unset) and metadata. */
    synchronized Map<String, Object> create(Map<String, String> fields, Map<String, String> metadata,
                                            RequestContext ctx) {
        CustomerSnapshot c = add(CustomerSnapshot.of(newId(), Instant.now().getEpochSecond(), fields, metadata));
        events.append("customer.created", c::json, null, ctx);
        return c.json();
    }

    /** Adds already validated customers, oldest first, with their own {@code created} and no event; their ids. */
    synchronized List<String> seed(List<StripeSandbox.SeedCustomer> seeds) {
        List<String> ids = new ArrayList<>(seeds.size());
        for (StripeSandbox.SeedCustomer s : seeds) {
            Map<String, String> fields = new HashMap<>();
            fields.put("name", s.name());
            fields.put("email", s.email());
            ids.add(add(CustomerSnapshot.of(newId(), s.created(), fields, s.metadata())).id());
        }
        return ids;
    }

    /**
     * Applies the given scalar fields (null value = unset) and metadata changes (null value = remove key); a
     * {@code clearMetadata} drops all keys first. No event when nothing changed.
     */
    synchronized Map<String, Object> update(String id, Map<String, String> fields, boolean clearMetadata,
                                            Map<String, String> metadata, RequestContext ctx) {
        Entry e = live(id, "id");
        CustomerSnapshot next = e.customer;
        Map<String, Object> previous = new LinkedHashMap<>();
        for (Map.Entry<String, String> field : fields.entrySet()) {
            String old = next.field(field.getKey());
            if (!Objects.equals(old, field.getValue())) {
                previous.put(field.getKey(), old);
                next = next.with(field.getKey(), field.getValue());
            }
        }
        Map<String, String> before = e.customer.metadataMap();
        Map<String, String> meta = clearMetadata ? new LinkedHashMap<>() : e.customer.metadataMap();
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
            return e.customer.json();
        }
        e.customer = next.withMetadata(meta);
        events.append("customer.updated", e.customer::json, previous, ctx);
        return e.customer.json();
    }

    synchronized Map<String, Object> delete(String id, RequestContext ctx) {
        Entry e = live(id, "id");
        e.deleted = true;
        live.remove(e.seq);
        events.append("customer.deleted", e.customer::json, null, ctx);
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
        return Optional.of(e.deleted ? deletedShape(id) : e.customer.json());
    }

    /** One GET /v1/customers page of the live customers passing {@code filter}, newest first. */
    synchronized Map<String, Object> list(Predicate<CustomerSnapshot> filter, Map<String, Object> params) {
        return ListParams.page("/v1/customers", live, e -> filter.test(e.customer), e -> e.customer.json(), params,
                this::seqOf, "customer");
    }

    /** Live customers, newest first. */
    synchronized List<Map<String, Object>> all() {
        return live.descendingMap().values().stream().map(e -> e.customer.json()).toList();
    }

    synchronized int liveCount() {
        return live.size();
    }

    synchronized void reset() {
        byId.clear();
        live.clear();
    }

    private CustomerSnapshot add(CustomerSnapshot c) {
        Entry e = new Entry(nextSeq++, c);
        byId.put(c.id(), e);
        live.put(e.seq, e);
        return c;
    }

    private String newId() {
        String id;
        do {
            id = StripeIds.customer();
        } while (byId.containsKey(id));
        return id;
    }

    /** Creation sequence of any known customer (deleted too, as Stripe accepts them as cursors), or -1. */
    private long seqOf(String id) {
        Entry e = byId.get(id);
        return e == null ? -1 : e.seq;
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
