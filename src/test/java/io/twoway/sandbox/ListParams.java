package io.twoway.sandbox;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.ToLongFunction;

/** Stripe list-endpoint helpers: limit/starting_after/ending_before cursor paging and {@code created[gte]}-style filters. */
final class ListParams {

    /** One listable object: its id, creation sequence (newest = highest), created second and JSON. */
    record Item(String id, long seq, long created, Map<String, Object> json) {
    }

    private ListParams() {
    }

    static void rejectUnknown(Map<String, Object> params, Set<String> allowed) {
        for (String key : params.keySet()) {
            if (!allowed.contains(key)) {
                throw StripeErrors.unknownParameter(key);
            }
        }
    }

    /**
     * Pages a newest-first, already filtered list. {@code cursorSeq} gives the sequence of any object id (also ones
     * the filter excluded or that were deleted), or -1 when unknown.
     */
    static Map<String, Object> page(String url, List<Item> newestFirst, Map<String, Object> params,
                                    ToLongFunction<String> cursorSeq, String objectName) {
        int limit = limit(params.get("limit"));
        String after = string(params, "starting_after");
        String before = string(params, "ending_before");
        if (after != null && before != null) {
            throw StripeErrors.invalid(null,
                    "You may only specify one of these parameters: ending_before, starting_after.", "ending_before");
        }
        List<Item> window = new ArrayList<>();
        boolean hasMore;
        if (before != null) {
            long s = cursor(before, cursorSeq, objectName, "ending_before");
            for (Item item : newestFirst) {
                if (item.seq() > s) {
                    window.add(item);
                }
            }
            hasMore = window.size() > limit;
            window = window.subList(Math.max(0, window.size() - limit), window.size());
        } else {
            long s = after == null ? Long.MAX_VALUE : cursor(after, cursorSeq, objectName, "starting_after");
            for (Item item : newestFirst) {
                if (item.seq() < s) {
                    window.add(item);
                }
            }
            hasMore = window.size() > limit;
            window = window.subList(0, Math.min(limit, window.size()));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", "list");
        out.put("data", window.stream().map(Item::json).toList());
        out.put("has_more", hasMore);
        out.put("url", url);
        return out;
    }

    /** True when {@code created} passes a {@code created=<ts>} or {@code created[gt|gte|lt|lte]=<ts>} filter. */
    static boolean createdMatches(Object filter, long created) {
        if (filter == null) {
            return true;
        }
        if (!(filter instanceof Map<?, ?> range)) {
            return created == integer(filter, "created");
        }
        for (Map.Entry<?, ?> e : range.entrySet()) {
            long bound = integer(e.getValue(), "created[" + e.getKey() + "]");
            boolean ok = switch (String.valueOf(e.getKey())) {
                case "gt" -> created > bound;
                case "gte" -> created >= bound;
                case "lt" -> created < bound;
                case "lte" -> created <= bound;
                default -> throw StripeErrors.unknownParameter("created[" + e.getKey() + "]");
            };
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    static String string(Map<String, Object> params, String name) {
        Object v = params.get(name);
        if (v == null) {
            return null;
        }
        if (!(v instanceof String s)) {
            throw StripeErrors.invalid(null, "Invalid string: " + SandboxJson.write(v), name);
        }
        return s.isEmpty() ? null : s;
    }

    private static int limit(Object raw) {
        if (raw == null || "".equals(raw)) {
            return 10;
        }
        long value = integer(raw, "limit");
        if (value < 1) {
            throw StripeErrors.invalid(null, "This value must be greater than or equal to 1.", "limit");
        }
        if (value > 100) {
            throw StripeErrors.invalid(null, "This value must be less than or equal to 100.", "limit");
        }
        return (int) value;
    }

    private static long integer(Object raw, String param) {
        try {
            return Long.parseLong(String.valueOf(raw).trim());
        } catch (NumberFormatException e) {
            throw StripeErrors.invalid(null, "Invalid integer: " + raw, param);
        }
    }

    private static long cursor(String id, ToLongFunction<String> cursorSeq, String objectName, String param) {
        long s = cursorSeq.applyAsLong(id);
        if (s < 0) {
            throw StripeErrors.missing(objectName, id, param);
        }
        return s;
    }
}
