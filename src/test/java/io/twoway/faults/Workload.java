package io.twoway.faults;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * A fault scenario's writes through Twoway's API, and what the API accepted: each customer with the names it was
 * given, in order ({@code "<scenario> <n> v<version>"}), so that the audit can tell which change Stripe holds. A
 * write the API refused is not counted; one that got no answer counts if the catalog holds it.
 */
final class Workload {

    static final String TOKEN = "tw_fault_suite_token_0001";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String scenario;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    /** Local id → the names the API accepted for it, oldest first. */
    final Map<Long, List<String>> accepted = new LinkedHashMap<>();
    /**
     * Writes sent when the process died: no answer came, so whether they were committed is unknown until the catalog
     * is read ({@link #settleUncertain}). Email → name for creates, id → name for renames.
     */
    private final Map<String, String> uncertainCreates = new LinkedHashMap<>();
    private final Map<Long, String> uncertainRenames = new LinkedHashMap<>();
    private int created;
    int refused;

    Workload(String scenario) {
        this.scenario = scenario;
    }

    /** Creates a customer; its id when the API accepted it (201). */
    synchronized Optional<Long> create(int apiPort) {
        int n = ++created;
        String name = name(n, 1);
        String email = scenario.replace(' ', '-') + "-" + n + "@faults.example";
        Optional<JsonNode> reply = send(apiPort, "POST", "/customers", "{\"name\":\"" + name + "\",\"email\":\"" + email + "\"}", 201,
                () -> uncertainCreates.put(email, name));
        reply.ifPresent(json -> accepted.put(json.path("data").path("id").asLong(), new ArrayList<>(List.of(name))));
        return reply.map(json -> json.path("data").path("id").asLong());
    }

    /** Renames a customer to its next version; true when the API accepted it (200). */
    synchronized boolean rename(int apiPort, long id) {
        List<String> names = accepted.get(id);
        String name = names.get(0).replaceAll(" v\\d+$", "") + " v" + (names.size() + 1);
        Optional<JsonNode> reply = send(apiPort, "PUT", "/customers/" + id, "{\"name\":\"" + name + "\"}", 200,
                () -> uncertainRenames.put(id, name));
        reply.ifPresent(json -> names.add(name));
        return reply.isPresent();
    }

    /** Creates {@code count} customers; how many the API accepted. */
    int createMany(int apiPort, int count) {
        int ok = 0;
        for (int i = 0; i < count; i++) {
            ok += create(apiPort).isPresent() ? 1 : 0;
        }
        return ok;
    }

    /** Accepted changes: every create and rename that the API answered with success. */
    synchronized long changes() {
        return accepted.values().stream().mapToLong(List::size).sum();
    }

    private String name(int n, int version) {
        return scenario + " " + n + " v" + version;
    }

    /**
     * Counts the writes that got no answer as accepted where the catalog holds them: the API committed them and the
     * process died before its answer left, which the client cannot tell from a write never made.
     */
    synchronized void settleUncertain(JdbcTemplate jdbc) {
        uncertainCreates.forEach((email, name) -> jdbc.queryForList("select id from customers where email = ?", Long.class, email)
                .forEach(id -> accepted.putIfAbsent(id, new ArrayList<>(List.of(name)))));
        uncertainCreates.clear();
        uncertainRenames.forEach((id, name) -> {
            if (jdbc.queryForList("select name from customers where id = ?", String.class, id).contains(name)) {
                accepted.get(id).add(name);
            }
        });
        uncertainRenames.clear();
    }

    private Optional<JsonNode> send(int apiPort, String method, String path, String body, int expected, Runnable noAnswer) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == expected) {
                return Optional.of(JSON.readTree(response.body()));
            }
        } catch (IOException e) {
            // no answer: the process is down, or went down while it answered (the write may have been committed)
            noAnswer.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        refused++;
        return Optional.empty();
    }
}
