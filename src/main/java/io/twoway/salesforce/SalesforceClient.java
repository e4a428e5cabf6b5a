package io.twoway.salesforce;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twoway.config.TwowayProperties;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.salesforce.SalesforceComponent;
import org.apache.camel.component.salesforce.SalesforceEndpointConfig;
import org.apache.camel.component.salesforce.internal.SalesforceSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Salesforce REST API as Twoway uses it, through Camel's Salesforce component ({@code salesforce:raw}): the
 * component holds the session from the OAuth 2.0 client credentials flow ({@code camel.component.salesforce.*} in
 * application.yaml, lazily, so that a disabled integration never logs in), and on an answer of 401
 * {@code INVALID_SESSION_ID} it logs in again and repeats the call. Every call names the client
 * ({@code Sforce-Call-Options: client=twoway}, which change events carry as their origin), goes through the daily
 * {@link SalesforceBudget} first, and reports the answer's {@code Sforce-Limit-Info} to it. Failures are
 * {@link SalesforceException}s that say whether to retry, wait or dead-letter. The raw operation, rather than the
 * component's typed ones, because Twoway needs each collections record's own result and error code, SOQL pages as
 * they come, and {@code getDeleted}, which the component has no operation for.
 */
public class SalesforceClient {

    public static final String CALL_OPTIONS = "client=twoway";
    public static final String CONTACT = "Contact";
    public static final String EXTERNAL_ID = "Twoway_Customer_Id__c";
    private static final Pattern LIMIT_INFO = Pattern.compile("api-usage=(\\d+)/(\\d+)");
    private static final DateTimeFormatter ISO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'Z'").withZone(ZoneOffset.UTC);
    private static final String ENDPOINT = "salesforce:raw?format=JSON";
    private static final Logger LOG = LoggerFactory.getLogger(SalesforceClient.class);

    /** One record's outcome in a collections call, in request order. */
    public record RecordResult(String id, boolean success, boolean created, String errorCode, String message) {}

    /** One page of a SOQL query; {@code nextRecordsUrl} is null on the last page. */
    public record QueryPage(List<JsonNode> records, String nextRecordsUrl) {}

    /** The deleted-records window: ids with their deletion times, and what the answer covered. */
    public record Deleted(List<Map.Entry<String, Instant>> records, Instant earliestDateAvailable, Instant latestDateCovered) {}

    private final TwowayProperties.Salesforce settings;
    private final SalesforceBudget budget;
    private final ObjectMapper json;
    private final CamelContext camel;
    private final ProducerTemplate producer;
    private volatile String sessionUserId;

    public SalesforceClient(TwowayProperties.Salesforce settings, SalesforceBudget budget, ObjectMapper json, CamelContext camel) {
        this.settings = settings;
        this.budget = budget;
        this.json = json;
        this.camel = camel;
        this.producer = camel.createProducerTemplate();
    }

    /** The integration user: the configured one, or the user the session belongs to (its id URL's last segment). */
    public String integrationUserId() {
        if (settings.integrationUserId() != null && !settings.integrationUserId().isBlank()) {
            return settings.integrationUserId();
        }
        if (sessionUserId == null) {
            SalesforceSession session = camel.getComponent("salesforce", SalesforceComponent.class).getSession();
            if (session.getId() == null) {
                refreshLimits(); // the component logs in on its first call
            }
            String id = session.getId();
            sessionUserId = id.substring(id.lastIndexOf('/') + 1);
        }
        return sessionUserId;
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

    /**
     * While the budget is spent, asks {@code /limits} once per check interval whether usage fell; the sender and the
     * poller both call it, so whichever of them runs in an instance can end the stop.
     */
    public void checkSpentBudget() {
        if (budget.dueForCheck()) {
            try {
                refreshLimits();
            } catch (SalesforceException e) {
                LOG.warn("Cannot read the Salesforce API limits: {}", e.getMessage());
            }
        }
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
        String fullPath = path.startsWith("/services/") ? path : "/services/data/" + settings.apiVersion() + path;
        Exchange answer = producer.request(ENDPOINT, request -> {
            request.getIn().setHeader(SalesforceEndpointConfig.RAW_METHOD, method);
            request.getIn().setHeader(SalesforceEndpointConfig.RAW_PATH, fullPath);
            request.getIn().setHeader("Sforce-Call-Options", CALL_OPTIONS);
            request.getIn().setBody(body == null ? null : write(body));
        });
        String limitInfo = answer.getMessage().getHeader("Sforce-Limit-Info", String.class);
        if (limitInfo != null) {
            observeLimit(limitInfo);
        }
        Exception failure = answer.getException();
        if (failure == null) {
            String text = answer.getMessage().getBody(String.class);
            try {
                return text == null || text.isBlank() ? json.createObjectNode() : json.readTree(text);
            } catch (JsonProcessingException e) {
                throw new SalesforceException(SalesforceException.Kind.RETRYABLE, null, 200, "Salesforce answered with a body that is not JSON", e);
            }
        }
        if (failure instanceof org.apache.camel.component.salesforce.api.SalesforceException refused && refused.getStatusCode() > 0) {
            int status = refused.getStatusCode();
            JsonNode error = firstError(refused);
            String code = error.path("errorCode").asText(error.path("error").asText("HTTP_" + status));
            // the component's own login failed (wrong credentials, a disabled app): a person must act; the records
            // are not at fault and wait as in an outage
            boolean login = error.path("message").asText("").startsWith("Login error");
            SalesforceException.Kind kind = login ? SalesforceException.Kind.RETRYABLE : SalesforceException.kindOf(code, status);
            if (kind == SalesforceException.Kind.BUDGET) {
                budget.refused();
            }
            throw new SalesforceException(kind, code, status, "Salesforce answered " + status + " " + code + ": "
                    + error.path("message").asText(error.path("error_description").asText("")), failure);
        }
        throw new SalesforceException(SalesforceException.Kind.RETRYABLE, null, 0, "no answer from Salesforce to " + method + " " + path + ": "
                + failure.getMessage(), failure);
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

    /** The first error of a refusal: the raw operation's message is the answer's body ({@code [{"message","errorCode"}]}). */
    private JsonNode firstError(org.apache.camel.component.salesforce.api.SalesforceException refused) {
        if (refused.getErrors() != null && !refused.getErrors().isEmpty()) {
            return json.createObjectNode().put("errorCode", refused.getErrors().get(0).getErrorCode())
                    .put("message", refused.getErrors().get(0).getMessage());
        }
        try {
            JsonNode body = json.readTree(refused.getMessage());
            return body.isArray() ? body.path(0) : body;
        } catch (JsonProcessingException | IllegalArgumentException e) {
            return json.createObjectNode().put("message", refused.getMessage());
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
