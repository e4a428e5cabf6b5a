package io.twoway.customer;

import com.fasterxml.jackson.databind.JsonNode;
import io.twoway.api.ApiException;
import io.twoway.api.ApiRequests;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Customer catalog: parses and validates a create or update body. Every problem is reported at once, per field,
 * before anything is written.
 */
public record CustomerInput(String name, String email) {

    static final int MAX_NAME = 255;
    static final int MAX_EMAIL = 254;
    private static final Set<String> FIELDS = Set.of("name", "email");
    private static final Pattern EMAIL = Pattern.compile("^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)+$");

    public static CustomerInput forCreate(String contentType, String body) {
        return parse(contentType, body, true);
    }

    public static CustomerInput forUpdate(String contentType, String body) {
        return parse(contentType, body, false);
    }

    private static CustomerInput parse(String contentType, String body, boolean create) {
        JsonNode root = ApiRequests.jsonObject(contentType, body);
        List<Map<String, Object>> errors = new ArrayList<>();
        for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!FIELDS.contains(field)) {
                errors.add(ApiException.fieldError(field, "unknown field"));
            }
        }
        String name = text(root, "name", create, errors);
        String email = text(root, "email", create, errors);
        if (name != null) {
            name = name.strip();
            if (name.isEmpty()) {
                errors.add(ApiException.fieldError("name", "must not be blank"));
            } else if (name.length() > MAX_NAME) {
                errors.add(ApiException.fieldError("name", "must be at most " + MAX_NAME + " characters"));
            }
        }
        if (email != null) {
            email = email.strip();
            if (email.length() > MAX_EMAIL || !EMAIL.matcher(email).matches()) {
                errors.add(ApiException.fieldError("email", "must be a valid email address"));
            }
        }
        if (!errors.isEmpty()) {
            throw new ApiException(422, "Validation failed", errors);
        }
        return new CustomerInput(name, email);
    }

    private static String text(JsonNode root, String field, boolean required, List<Map<String, Object>> errors) {
        JsonNode node = root.get(field);
        if (node == null || node.isNull()) {
            if (required) {
                errors.add(ApiException.fieldError(field, "is required"));
            } else if (node != null) {
                errors.add(ApiException.fieldError(field, "must not be null"));
            }
            return null;
        }
        if (!node.isTextual()) {
            errors.add(ApiException.fieldError(field, "must be a string"));
            return null;
        }
        return node.asText();
    }
}
