package io.twoway.reconcile;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** Reconciliation, catch-up and backfill: their jsonb columns (progress, counts, results) to and from text. */
final class JsonText {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonText() {}

    static String write(Object value) {
        try {
            return value == null ? null : JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The object the column holds; null for SQL null. */
    static Map<String, Object> read(String text) {
        try {
            return text == null ? null : JSON.readValue(text, new TypeReference<Map<String, Object>>() { });
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a jsonb column does not hold a JSON object", e);
        }
    }
}
