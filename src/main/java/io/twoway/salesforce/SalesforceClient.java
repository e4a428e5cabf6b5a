package io.twoway.salesforce;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twoway.config.TwowayProperties;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Salesforce REST API as Twoway uses it, over {@code java.net.http}. One session from the OAuth 2.0 client
 * credentials flow; an answer of 401 {@code INVALID_SESSION_ID} fetches a new token once and repeats the call. Every
 * call names the client ({@code Sforce-Call-Options: client=twoway}, which change events carry as their origin), goes
 * through the daily {@link SalesforceBudget} first, and reports the answer's {@code Sforce-Limit-Info} to it. Failures
 * are {@link SalesforceException}s that say whether to retry, wait or dead-letter.
 */
public class SalesforceClient {

    public static final String CALL_OPTIONS = "client=twoway";
    public static final String CONTACT = "Contact";
    public static final String EXTERNAL_ID = "Twoway_Customer_Id__c";
    private static final Pattern LIMIT_INFO = Pattern.compile("api-usage=(\\d+)/(\\d+)");
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final Logger LOG = LoggerFactory.getLogger(SalesforceClient.class);

    /** One record's outcome in a collections call, in request order. */
    public record RecordResult(String id, boolean success, boolean created, String errorCode, String message) {}

    /** One page of a SOQL query; {@code nextRecordsUrl} is null on the last page. */
    public record QueryPage(List<JsonNode> records, String nextRecordsUrl) {}

    /** The deleted-records window: ids with their deletion times, and what the answer covered. */
    public record Deleted(List<Map.Entry<String, Instant>> records, Instant earliestDateAvailable, Instant latestDateCovered) {}

    private record Session(String token, String instanceUrl, String userId) {}

    private final TwowayProperties.Salesforce settings;
    private final SalesforceBudget budget;
    private final ObjectMapper json;
    private final HttpClient http;
    private volatile Session session;

    public SalesforceClient(TwowayProperties.Salesforce settings, SalesforceBudget budget, ObjectMapper json) {
        this.settings = settings;
        this.budget = budget;
        this.json = json;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofMillis(settings.connectTimeoutMs())).build();
    }

    /** The integration user: the configured one, or the user the session belongs to (its id URL's last segment). */
    public String integrationUserId() {
        if (settings.integrationUserId() != null && !settings.integrationUserId().isBlank()) {
            return settings.integrationUserId();
        }
        return session().userId();
    }

    /** sObject Collections upsert by the external id field: up to 200 Contacts, each failing alone. */
    public List<RecordResult> upsertContacts(List<Map<String, Object>> records) {
        return results(send("PATCH", "/composite/sobjects/" + CONTACT + "/" + EXTERNAL_ID, collection(records)));
    }

    /** sObject Collections update by Id: up to 200 Contacts (each record carries its {@code id}). */
    public List<RecordResult> updateContacts(List<Map<String, Object>> records) {
        return results(send("PATCH", "/composite/sobjects", collection(records)));
    }

    /** sObject Collections delete: up to 200 ids, each failing alone. */
    public List<RecordResult> deleteContacts(List<String> ids) {
        return results(send("DELETE", "/composite/sobjects?allOrNone=false&ids=" + String.join(",", ids), null));
    }

    /** One SOQL page; {@link #queryMore} follows {@code nextRecordsUrl}. */
    public QueryPage query(String soql) {
        return page(send("GET", "/query?q=" + URLEncoder.encode(soql, StandardCharsets.UTF_8), null));
    }

    public QueryPage queryMore(String nextRecordsUrl) {
        return page(send("GET", nextRecordsUrl, null));
    }

    /** Contacts deleted in the window (Salesforce's getDeleted; about 15 days of recycle bin). */
    public Deleted deletedContacts(Instant start, Instant end) {
        JsonNode answer = send("GET", "/sobjects/" + CONTACT + "/deleted/?start=" + URLEncoder.encode(ISO.format(start), StandardCharsets.UTF_8)
                + "&end=" + URLEncoder.encode(ISO.format(end), StandardCharsets.UTF_8), null);
        List<Map.Entry<String, Instant>> records = new ArrayList<>();
        answer.path("deletedRecords").forEach(r -> records.add(Map.entry(r.path("id").asText(), SalesforceTime.parse(r.path("deletedDate").asText()))));
        return new Deleted(records, SalesforceTime.parse(answer.path("earliestDateAvailable").asText(null)),
                SalesforceTime.parse(answer.path("latestDateCovered").asText(null)));
    }

    /** One Contact by Id. */
    public JsonNode contact(String id) {
        return send("GET", "/sobjects/" + CONTACT + "/" + id, null);
    }

    /** {@code GET /limits}: refreshes the budget's view of usage; not paced by the budget, so that a stop can end. */
    public void refreshLimits() {
        JsonNode daily = exchange("GET", "/limits", null, false).path("DailyApiRequests");
        if (daily.has("Max")) {
            budget.observe(daily.path("Max").asLong() - daily.path("Remaining").asLong(), daily.path("Max").asLong());
        }
    }

    private JsonNode send(String method, String path, Object body) {
        return exchange(method, path, body, true);
    }

    private JsonNode exchange(String method, String path, Object body, boolean counted) {
        if (counted) {
            try {
                budget.acquire();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SalesforceException(SalesforceException.Kind.RETRYABLE, null, 0, "interrupted", e);
            }
        }
        Session current = session();
        HttpResponse<String> answer = call(current, method, path, body);
        if (answer.statusCode() == 401) {
            LOG.info("Salesforce session expired ({}); logging in again and repeating the call", errorCode(answer));
            renew(current);
            answer = call(session(), method, path, body);
        }
        return read(answer);
    }

    private HttpResponse<String> call(Session current, String method, String path, Object body) {
        String url = path.startsWith("/services/") ? current.instanceUrl() + path
                : current.instanceUrl() + "/services/data/" + settings.apiVersion() + path;
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMillis(settings.readTimeoutMs()))
                .header("Authorization", "Bearer " + current.token()).header("Sforce-Call-Options", CALL_OPTIONS)
                .header("Accept", "application/json");
        if (body != null) {
            request.header("Content-Type", "application/json").method(method, HttpRequest.BodyPublishers.ofString(write(body)));
        } else {
            request.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            HttpResponse<String> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            answer.headers().firstValue("Sforce-Limit-Info").ifPresent(this::observeLimit);
            return answer;
        } catch (IOException e) {
            throw new SalesforceException(SalesforceException.Kind.RETRYABLE, null, 0,
                    "no answer from Salesforce to " + method + " " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SalesforceException(SalesforceException.Kind.RETRYABLE, null, 0, "interrupted", e);
        }
    }

    private JsonNode read(HttpResponse<String> answer) {
        int status = answer.statusCode();
        if (status >= 200 && status < 300) {
            try {
                return answer.body() == null || answer.body().isBlank() ? json.createObjectNode() : json.readTree(answer.body());
            } catch (JsonProcessingException e) {
                throw new SalesforceException(SalesforceException.Kind.RETRYABLE, null, status, "Salesforce answered " + status + " with a body that is not JSON", e);
            }
        }
        String code = errorCode(answer);
        SalesforceException.Kind kind = SalesforceException.kindOf(code, status);
        if (kind == SalesforceException.Kind.BUDGET) {
            budget.refused();
        }
        throw new SalesforceException(kind, code, status, "Salesforce answered " + status + " " + code + ": " + errorMessage(answer), null);
    }

    private synchronized Session session() {
        if (session == null) {
            session = login();
        }
        return session;
    }

    /** Replaces the session unless another thread already did. */
    private synchronized void renew(Session expired) {
        if (session == expired) {
            session = login();
        }
    }

    private Session login() {
        String form = "grant_type=client_credentials&client_id=" + URLEncoder.encode(settings.clientId(), StandardCharsets.UTF_8)
                + "&client_secret=" + URLEncoder.encode(settings.clientSecret(), StandardCharsets.UTF_8);
        HttpRequest request = HttpRequest.newBuilder(URI.create(settings.loginUrl() + "/services/oauth2/token"))
                .timeout(Duration.ofMillis(settings.readTimeoutMs())).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        HttpResponse<String> answer;
        try {
            answer = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new SalesforceException(SalesforceException.Kind.RETRYABLE, null, 0, "no answer from the Salesforce token endpoint: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SalesforceException(SalesforceException.Kind.RETRYABLE, null, 0, "interrupted", e);
        }
        JsonNode token;
        try {
            token = json.readTree(answer.body());
        } catch (JsonProcessingException e) {
            token = json.createObjectNode();
        }
        if (answer.statusCode() != 200 || !token.hasNonNull("access_token")) {
            // wrong credentials need a person, not a dead letter: the records are not at fault and wait like in an outage
            throw new SalesforceException(SalesforceException.Kind.RETRYABLE,
                    token.path("error").asText("LOGIN_FAILED"), answer.statusCode(),
                    "Salesforce login failed: " + answer.statusCode() + " " + token.path("error").asText() + " " + token.path("error_description").asText(), null);
        }
        String id = token.path("id").asText("");
        String userId = id.contains("/") ? id.substring(id.lastIndexOf('/') + 1) : null;
        LOG.info("Logged in to Salesforce at {} as user {}", token.path("instance_url").asText(), userId);
        return new Session(token.get("access_token").asText(), token.path("instance_url").asText(settings.loginUrl()), userId);
    }

    private void observeLimit(String header) {
        Matcher m = LIMIT_INFO.matcher(header);
        if (m.find()) {
            budget.observe(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)));
        }
    }

    private Map<String, Object> collection(List<Map<String, Object>> records) {
        List<Map<String, Object>> typed = new ArrayList<>();
        for (Map<String, Object> record : records) {
            Map<String, Object> withType = new java.util.LinkedHashMap<>();
            withType.put("attributes", Map.of("type", CONTACT));
            withType.putAll(record);
            typed.add(withType);
        }
        return Map.of("allOrNone", false, "records", typed);
    }

    private List<RecordResult> results(JsonNode answer) {
        List<RecordResult> results = new ArrayList<>();
        for (JsonNode r : answer) {
            JsonNode error = r.path("errors").path(0);
            results.add(new RecordResult(r.path("id").asText(null), r.path("success").asBoolean(), r.path("created").asBoolean(),
                    error.isMissingNode() ? null : error.path("statusCode").asText(null), error.isMissingNode() ? null : error.path("message").asText(null)));
        }
        return results;
    }

    private QueryPage page(JsonNode answer) {
        List<JsonNode> records = new ArrayList<>();
        answer.path("records").forEach(records::add);
        return new QueryPage(records, answer.path("done").asBoolean(true) ? null : answer.path("nextRecordsUrl").asText(null));
    }

    private String errorCode(HttpResponse<String> answer) {
        JsonNode first = firstError(answer);
        return first.path("errorCode").asText(first.path("error").asText("HTTP_" + answer.statusCode()));
    }

    private String errorMessage(HttpResponse<String> answer) {
        return firstError(answer).path("message").asText(answer.body());
    }

    private JsonNode firstError(HttpResponse<String> answer) {
        try {
            JsonNode body = json.readTree(answer.body());
            return body.isArray() ? body.path(0) : body;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return json.createObjectNode();
        }
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
