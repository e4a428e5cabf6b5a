package io.twoway.sandbox;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongPredicate;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/** Stripe list-endpoint helpers: limit/starting_after/ending_before cursor paging and {@code created[gte]}-style filters. */
final class ListParams {

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
     * One page, newest first, of the objects in {@code bySeq} (keyed by list order, newest = highest) that pass
     * {@code filter}: walks from the cursor and renders only the returned window, so a page costs O(limit + log n)
     * plus the objects the filter skips. {@code cursorSeq} gives the key of any object id (also ones the filter
     * excludes or that were deleted), or -1 when unknown.
     */
    static <T> Map<String, Object> page(String url, NavigableMap<Long, T> bySeq, Predicate<? super T> filter,
                                        Function<? super T, Map<String, Object>> render, Map<String, Object> params,
                                        ToLongFunction<String> cursorSeq, String objectName) {
        int limit = limit(params.get("limit"));
        String after = string(params, "starting_after");
        String before = string(params, "ending_before");
        if (after != null && before != null) {
            throw StripeErrors.invalid(null,
                    "You may only specify one of these parameters: ending_before, starting_after.", "ending_before");
        }
        List<T> window;
        if (before != null) {
            long s = cursor(before, cursorSeq, objectName, "ending_before");
            window = take(bySeq.tailMap(s, false).values(), filter, limit + 1); // the closest newer ones first
        } else {
            NavigableMap<Long, T> older = after == null ? bySeq
                    : bySeq.headMap(cursor(after, cursorSeq, objectName, "starting_after"), false);
            window = take(older.descendingMap().values(), filter, limit + 1);
        }
        boolean hasMore = window.size() > limit;
        window = window.subList(0, Math.min(limit, window.size()));
        if (before != null) {
            Collections.reverse(window);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("object", "list");
        out.put("data", window.stream().map(render).toList());
        out.put("has_more", hasMore);
        out.put("url", url);
        return out;
    }

    /** A {@code created=<ts>} or {@code created[gt|gte|lt|lte]=<ts>} filter (null = any), validated up front. */
    static LongPredicate createdFilter(Object filter) {
        if (filter == null) {
            return created -> true;
        }
        if (!(filter instanceof Map<?, ?> range)) {
            long exact = integer(filter, "created");
            return created -> created == exact;
        }
        LongPredicate all = created -> true;
        for (Map.Entry<?, ?> e : range.entrySet()) {
            long bound = integer(e.getValue(), "created[" + e.getKey() + "]");
            all = all.and(switch (String.valueOf(e.getKey())) {
                case "gt" -> created -> created > bound;
                case "gte" -> created -> created >= bound;
                case "lt" -> created -> created < bound;
                case "lte" -> created -> created <= bound;
                default -> throw StripeErrors.unknownParameter("created[" + e.getKey() + "]");
            });
        }
        return all;
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

    /** The first {@code max} items of the walk that pass the filter. */
    private static <T> List<T> take(Iterable<T> walk, Predicate<? super T> filter, int max) {
        List<T> out = new ArrayList<>(max);
        for (Iterator<T> it = walk.iterator(); it.hasNext() && out.size() < max; ) {
            T item = it.next();
            if (filter.test(item)) {
                out.add(item);
            }
        }
        return out;
    }

    private static long cursor(String id, ToLongFunction<String> cursorSeq, String objectName, String param) {
        long s = cursorSeq.applyAsLong(id);
        if (s < 0) {
            throw StripeErrors.missing(objectName, id, param);
        }
        return s;
    }
}
