package io.twoway.sandbox;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.LongPredicate;
import java.util.regex.Pattern;

/** The /v1/customers endpoints: parameter validation in Stripe's terms, then delegation to {@link CustomerStore}. */
final class CustomerApi {

    private static final Set<String> WRITE_PARAMS = Set.of("description", "email", "name", "phone", "metadata", "expand");
    private static final Set<String> LIST_PARAMS =
            Set.of("limit", "starting_after", "ending_before", "email", "created", "test_clock", "expand");
    static final Pattern EMAIL = Pattern.compile("^[^@\\s]+@[^@\\s]+$");

    private final CustomerStore store;

    CustomerApi(CustomerStore store) {
        this.store = store;
    }

    Map<String, Object> create(Map<String, Object> params, RequestContext ctx) {
        Map<String, String> fields = scalarFields(params);
        fields.values().removeIf(v -> v == null);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadataChanges(params).forEach((k, v) -> {
            if (v != null) {
                metadata.put(k, v);
            }
        });
        return store.create(fields, metadata, ctx);
    }

    Map<String, Object> update(String id, Map<String, Object> params, RequestContext ctx) {
        Map<String, String> fields = scalarFields(params);
        boolean clearMetadata = "".equals(params.get("metadata"));
        return store.update(id, fields, clearMetadata, metadataChanges(params), ctx);
    }

    Map<String, Object> retrieve(String id, Map<String, Object> params) {
        ListParams.rejectUnknown(params, Set.of("expand"));
        return store.retrieve(id);
    }

    Map<String, Object> delete(String id, Map<String, Object> params, RequestContext ctx) {
        ListParams.rejectUnknown(params, Set.of());
        return store.delete(id, ctx);
    }

    Map<String, Object> list(Map<String, Object> params) {
        ListParams.rejectUnknown(params, LIST_PARAMS);
        String email = ListParams.string(params, "email");
        LongPredicate created = ListParams.createdFilter(params.get("created"));
        return store.list(c -> (email == null || email.equals(c.email())) && created.test(c.created()), params);
    }

    /** The scalar fields present in the request; an empty value means "unset" (null). */
    private static Map<String, String> scalarFields(Map<String, Object> params) {
        ListParams.rejectUnknown(params, WRITE_PARAMS);
        Map<String, String> fields = new LinkedHashMap<>();
        for (String field : CustomerStore.SCALAR_FIELDS) {
            if (!params.containsKey(field)) {
                continue;
            }
            Object raw = params.get(field);
            if (!(raw instanceof String value)) {
                throw StripeErrors.invalid(null, "Invalid string: " + SandboxJson.write(raw), field);
            }
            if (field.equals("email") && !value.isEmpty() && !EMAIL.matcher(value).matches()) {
                throw StripeErrors.invalid("email_invalid", "Invalid email address: " + value, "email");
            }
            fields.put(field, value.isEmpty() ? null : value);
        }
        return fields;
    }

    /** metadata[key]=value pairs; an empty value means "remove the key" (null). */
    private static Map<String, String> metadataChanges(Map<String, Object> params) {
        Object raw = params.get("metadata");
        Map<String, String> changes = new LinkedHashMap<>();
        if (raw == null || "".equals(raw)) {
            return changes;
        }
        if (!(raw instanceof Map<?, ?> map)) {
            throw StripeErrors.invalid(null, "Invalid hash", "metadata");
        }
        if (map.size() > 50) {
            throw StripeErrors.invalid(null, "You can have at most 50 metadata keys.", "metadata");
        }
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = String.valueOf(e.getKey());
            if (!(e.getValue() instanceof String value)) {
                throw StripeErrors.invalid(null, "Invalid string: " + SandboxJson.write(e.getValue()),
                        "metadata[" + key + "]");
            }
            if (key.isEmpty() || key.length() > 40) {
                throw StripeErrors.invalid(null, "Metadata keys must be between 1 and 40 characters long.",
                        "metadata[" + key + "]");
            }
            if (value.length() > 500) {
                throw StripeErrors.invalid(null, "Metadata values can have up to 500 characters, but you passed in "
                        + "a value that is " + value.length() + " characters.", "metadata[" + key + "]");
            }
            changes.put(key, value.isEmpty() ? null : value);
        }
        return changes;
    }
}
