package io.twoway.sandbox;

import io.twoway.sandbox.StripeSandbox.SeedCustomer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks {@link SeedCustomer}s like a customer create, and reads them from the seed control's JSON body. */
final class CustomerSeeds {

    private static final Set<String> FIELDS = Set.of("name", "email", "metadata", "created");

    private CustomerSeeds() {
    }

    /**
     * The seeds with "" names, emails and metadata values read as unset, as the create API does; throws
     * {@link IllegalArgumentException} naming the first bad field ({@code customers[i][field]}).
     */
    static List<SeedCustomer> validated(List<SeedCustomer> seeds) {
        if (seeds == null) {
            throw new IllegalArgumentException("customers: a list is required");
        }
        List<SeedCustomer> out = new ArrayList<>(seeds.size());
        for (int i = 0; i < seeds.size(); i++) {
            SeedCustomer s = seeds.get(i);
            String at = "customers[" + i + "]";
            if (s == null) {
                throw new IllegalArgumentException(at + ": null");
            }
            String email = unsetIfEmpty(s.email());
            if (email != null && !CustomerApi.EMAIL.matcher(email).matches()) {
                throw new IllegalArgumentException(at + "[email]: Invalid email address: " + email);
            }
            if (s.created() <= 0 || s.created() > EventLog.MAX_CREATED) {
                throw new IllegalArgumentException(at + "[created]: must be unix seconds: " + s.created());
            }
            out.add(new SeedCustomer(unsetIfEmpty(s.name()), email, metadata(s.metadata(), at), s.created()));
        }
        return out;
    }

    /** {@code {"customers":[{"name","email","metadata":{…},"created"}, …]}}, type-checked; see {@link #validated}. */
    static List<SeedCustomer> fromJson(Map<String, Object> body) {
        ListParams.rejectUnknown(body, Set.of("customers"));
        if (!(body.get("customers") instanceof List<?> list)) {
            throw StripeErrors.invalid("parameter_missing", "Missing required param: customers (a JSON array).",
                    "customers");
        }
        List<SeedCustomer> out = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            String at = "customers[" + i + "]";
            if (!(list.get(i) instanceof Map<?, ?> c)) {
                throw StripeErrors.invalid(null, "Each customer must be a JSON object.", at);
            }
            for (Object key : c.keySet()) {
                if (!FIELDS.contains(key)) {
                    throw StripeErrors.unknownParameter(at + "[" + key + "]");
                }
            }
            Object created = c.get("created");
            if (!(created instanceof Integer || created instanceof Long)) {
                throw StripeErrors.invalid(created == null ? "parameter_missing" : null,
                        "created must be unix seconds, an integer.", at + "[created]");
            }
            Map<String, String> metadata = new LinkedHashMap<>();
            if (c.get("metadata") instanceof Map<?, ?> m) {
                m.forEach((k, v) -> metadata.put((String) k, string(v, at + "[metadata][" + k + "]")));
            } else if (c.get("metadata") != null) {
                throw StripeErrors.invalid(null, "Invalid hash", at + "[metadata]");
            }
            out.add(new SeedCustomer(string(c.get("name"), at + "[name]"), string(c.get("email"), at + "[email]"),
                    metadata, ((Number) created).longValue()));
        }
        return out;
    }

    private static Map<String, String> metadata(Map<String, String> given, String at) {
        Map<String, String> out = new LinkedHashMap<>();
        if (given == null) {
            return out;
        }
        if (given.size() > 50) {
            throw new IllegalArgumentException(at + "[metadata]: You can have at most 50 metadata keys.");
        }
        given.forEach((key, value) -> {
            if (key == null || key.isEmpty() || key.length() > 40 || value == null || value.length() > 500) {
                throw new IllegalArgumentException(at + "[metadata][" + key + "]: keys must be 1 to 40 characters "
                        + "and values non-null, up to 500 characters.");
            }
            if (!value.isEmpty()) {
                out.put(key, value);
            }
        });
        return Collections.unmodifiableMap(out);
    }

    private static String unsetIfEmpty(String value) {
        return value == null || value.isEmpty() ? null : value;
    }

    private static String string(Object value, String param) {
        if (value != null && !(value instanceof String)) {
            throw StripeErrors.invalid(null, "Invalid string: " + SandboxJson.write(value), param);
        }
        return (String) value;
    }
}
