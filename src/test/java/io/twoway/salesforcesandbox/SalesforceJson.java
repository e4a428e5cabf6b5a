package io.twoway.salesforcesandbox;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.Map;

/** Jackson for bodies in and out; a body that does not read as a JSON object is a JSON_PARSER_ERROR. */
final class SalesforceJson {

    private static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

    private SalesforceJson() {
    }

    static String write(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> object(String body) {
        Object parsed;
        try {
            parsed = MAPPER.readValue(body, Object.class);
        } catch (JsonProcessingException e) {
            throw SalesforceErrors.jsonParser(e.getOriginalMessage() + (e.getLocation() == null ? ""
                    : " at [line:" + e.getLocation().getLineNr() + ", column:" + e.getLocation().getColumnNr() + "]"));
        }
        if (!(parsed instanceof Map)) {
            throw SalesforceErrors.jsonParser("Expected a JSON object, got: " + abbreviated(body));
        }
        return (Map<String, Object>) parsed;
    }

    private static String abbreviated(String text) {
        return text.length() <= 40 ? text : text.substring(0, 40) + "…";
    }
}
