package io.twoway.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** Tests: a small JSON HTTP client for calling the service as a user would, with its API token unless told otherwise. */
public final class Http {

    private static final HttpClient CLIENT = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private final String base;
    private final String authorization;

    public Http(String base, String token) {
        this(base, token, true);
    }

    private Http(String base, String value, boolean bearer) {
        this.base = base;
        this.authorization = value == null ? null : bearer ? "Bearer " + value : value;
    }

    /** The same client sending no Authorization header. */
    public Http withoutToken() {
        return new Http(base, null, true);
    }

    /** The same client sending this Authorization header as it is. */
    public Http withAuthorization(String header) {
        return new Http(base, header, false);
    }

    public record Reply(int status, String body, java.net.http.HttpHeaders headers) {
        public JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("not JSON (" + status + "): " + body, e);
            }
        }
    }

    public String base() {
        return base;
    }

    public Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Reply delete(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    public Reply post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply put(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Reply send(HttpRequest.Builder request) {
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        try {
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response.headers());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Creates a customer and returns its id. */
    public long createCustomer(String name, String email) {
        Reply reply = post("/customers", "{\"name\":" + quote(name) + ",\"email\":" + quote(email) + "}");
        if (reply.status() != 201) {
            throw new AssertionError("create failed: " + reply.status() + " " + reply.body());
        }
        return reply.json().path("data").path("id").asLong();
    }

    public static String quote(String s) {
        try {
            return JSON.writeValueAsString(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
