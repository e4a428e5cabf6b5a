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

/**
 * A fault scenario's writes through Twoway's API, and what the API accepted: each customer with the names it was
 * given, in order ({@code "<scenario> <n> v<version>"}), so that the audit can tell which change Stripe holds. A
 * write the API did not accept (an error answer, or no answer: the process is down) is not counted.
 */
final class Workload {

    static final String TOKEN = "tw_fault_suite_token_0001";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String scenario;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
    /** Local id → the names the API accepted for it, oldest first. */
    final Map<Long, List<String>> accepted = new LinkedHashMap<>();
    private int created;
    int refused;

    Workload(String scenario) {
        this.scenario = scenario;
    }

    /** Creates a customer; its id when the API accepted it (201). */
    synchronized Optional<Long> create(int apiPort) {
        int n = ++created;
        String name = name(n, 1);
        Optional<JsonNode> reply = send(apiPort, "POST", "/customers",
                "{\"name\":\"" + name + "\",\"email\":\"" + scenario.replace(' ', '-') + "-" + n + "@faults.example\"}", 201);
        reply.ifPresent(json -> accepted.put(json.path("data").path("id").asLong(), new ArrayList<>(List.of(name))));
        return reply.map(json -> json.path("data").path("id").asLong());
    }

    /** Renames a customer to its next version; true when the API accepted it (200). */
    synchronized boolean rename(int apiPort, long id) {
        List<String> names = accepted.get(id);
        String name = names.get(0).replaceAll(" v\\d+$", "") + " v" + (names.size() + 1);
        Optional<JsonNode> reply = send(apiPort, "PUT", "/customers/" + id, "{\"name\":\"" + name + "\"}", 200);
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

    private Optional<JsonNode> send(int apiPort, String method, String path, String body, int expected) {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + path)).timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + TOKEN).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() == expected) {
                return Optional.of(JSON.readTree(response.body()));
            }
        } catch (IOException e) {
            // no answer: the process is down, or went down while it answered; not accepted
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        refused++;
        return Optional.empty();
    }
}
