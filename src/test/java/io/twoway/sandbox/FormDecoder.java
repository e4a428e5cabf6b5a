package io.twoway.sandbox;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Decodes Stripe-style x-www-form-urlencoded text ({@code metadata[k]=v}, {@code types[0]=x}) into flat and nested maps. */
final class FormDecoder {

    private FormDecoder() {
    }

    /** Flat view: raw (decoded) keys to values, in order of appearance; a repeated key keeps its last value. */
    static Map<String, String> flat(String encoded) {
        Map<String, String> out = new LinkedHashMap<>();
        if (encoded == null || encoded.isEmpty()) {
            return out;
        }
        for (String pair : encoded.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String key = decode(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : decode(pair.substring(eq + 1));
            if (key.endsWith("[]")) { // keep repeated "a[]" entries distinct in the flat view
                int i = 0;
                while (out.containsKey(key.substring(0, key.length() - 2) + "[" + i + "]")) {
                    i++;
                }
                key = key.substring(0, key.length() - 2) + "[" + i + "]";
            }
            out.put(key, value);
        }
        return out;
    }

    /** Nested view: {@code a[b][c]=v} becomes {a:{b:{c:v}}}; list indexes stay map keys (see {@link #asList}). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> nested(Map<String, String> flat) {
        Map<String, Object> root = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : flat.entrySet()) {
            List<String> path = splitKey(e.getKey());
            Map<String, Object> node = root;
            for (int i = 0; i < path.size() - 1; i++) {
                Object child = node.get(path.get(i));
                if (!(child instanceof Map)) {
                    child = new LinkedHashMap<String, Object>();
                    node.put(path.get(i), child);
                }
                node = (Map<String, Object>) child;
            }
            node.put(path.get(path.size() - 1), e.getValue());
        }
        return root;
    }

    /** A list parameter given as {@code x[0]=a&x[1]=b}, {@code x[]=a}, or a single {@code x=a}; empty when absent. */
    static List<String> asList(Object value) {
        if (value == null) {
            return List.of();
        }
        if (value instanceof Map<?, ?> map) {
            Map<Integer, String> byIndex = new TreeMap<>();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                try {
                    byIndex.put(Integer.parseInt(String.valueOf(e.getKey())), String.valueOf(e.getValue()));
                } catch (NumberFormatException ex) {
                    throw new IllegalArgumentException("not a list");
                }
            }
            return Collections.unmodifiableList(new ArrayList<>(byIndex.values()));
        }
        return List.of(String.valueOf(value));
    }

    static List<String> splitKey(String key) {
        List<String> parts = new ArrayList<>();
        int open = key.indexOf('[');
        if (open < 0 || !key.endsWith("]")) {
            parts.add(key);
            return parts;
        }
        parts.add(key.substring(0, open));
        for (String segment : key.substring(open + 1, key.length() - 1).split("\\]\\[", -1)) {
            parts.add(segment);
        }
        return parts;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
