package io.twoway.salesforcesandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every resource, error and fault of the Salesforce sandbox, over HTTP as a client sees them. */
class SalesforceSandboxTest {

    private static final String DATA = SalesforceSandbox.DATA_PATH;
    private static final String SF_DATE = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{3}\\+0000";
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final Instant T0 = Instant.parse("2026-11-26T01:00:30Z");
    private static final String INTEGRATION_FORM =
            "grant_type=client_credentials&client_id=twoway-local&client_secret=twoway-local-secret";

    static SalesforceSandbox sandbox;
    String token;

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile Instant now;

        MutableClock(Instant now) {
            this.now = now;
        }

        void set(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    /** An answer: status, body and the Sforce-Limit-Info header (null when absent). */
    record Reply(int status, String body, String limitInfo) {

        JsonNode json() {
            try {
                return MAPPER.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }

        /** The errorCode of an error array's first (only) error. */
        String errorCode() {
            JsonNode json = json();
            assertThat(json.isArray()).as("error body is an array: %s", body).isTrue();
            return json.get(0).get("errorCode").asText();
        }
    }

    @BeforeAll
    static void start() {
        sandbox = SalesforceSandbox.start(0);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void setUp() throws Exception {
        sandbox.reset();
        token = token(SalesforceSandbox.CLIENT_ID, SalesforceSandbox.CLIENT_SECRET);
    }

    // ---------------------------------------------------------------------------------------------- auth

    @Test
    void tokenEndpointIssuesTokensToBothClients() throws Exception {
        Reply reply = tokenCall(INTEGRATION_FORM);
        assertThat(reply.status()).isEqualTo(200);
        JsonNode body = reply.json();
        assertThat(body.get("access_token").asText()).startsWith("00D000000000001!").hasSizeGreaterThan(40);
        assertThat(body.get("instance_url").asText()).isEqualTo(sandbox.baseUrl());
        assertThat(body.get("id").asText())
                .isEqualTo(sandbox.baseUrl() + "/id/00D000000000001AAA/" + SalesforceSandbox.INTEGRATION_USER_ID);
        assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
        assertThat(body.get("issued_at").asText()).matches("\\d{13}");
        assertThat(Base64.getDecoder().decode(body.get("signature").asText())).hasSize(32);
        assertThat(reply.limitInfo()).isNull();

        Reply admin = tokenCall("grant_type=client_credentials&client_id=local-admin&client_secret=local-admin-secret");
        assertThat(admin.json().get("id").asText()).endsWith("/" + SalesforceSandbox.ADMIN_USER_ID);
        assertThat(admin.json().get("access_token").asText()).isNotEqualTo(body.get("access_token").asText());

        assertThat(sandbox.usage()).isZero();
        RecordedRequest logged = sandbox.requests().get(1);
        assertThat(logged.path()).isEqualTo("/services/oauth2/token");
        assertThat(logged.body()).contains("client_secret=***").doesNotContain("twoway-local-secret");
        assertThat(logged.userId()).isEqualTo(SalesforceSandbox.INTEGRATION_USER_ID);
    }

    @Test
    void tokenEndpointRefusesBadCredentialsAndOtherGrantTypes() throws Exception {
        for (String form : List.of("grant_type=client_credentials&client_id=twoway-local&client_secret=wrong",
                "grant_type=client_credentials&client_id=nobody&client_secret=twoway-local-secret",
                "grant_type=client_credentials")) {
            Reply reply = tokenCall(form);
            assertThat(reply.status()).isEqualTo(400);
            assertThat(reply.body())
                    .isEqualTo("{\"error\":\"invalid_client\",\"error_description\":\"Invalid client credentials\"}");
        }
        Reply password = tokenCall("grant_type=password&client_id=twoway-local&client_secret=twoway-local-secret");
        assertThat(password.status()).isEqualTo(400);
        assertThat(password.body())
                .isEqualTo("{\"error\":\"unsupported_grant_type\",\"error_description\":\"grant type not supported\"}");
    }

    @Test
    void apiCallsNeedAValidUnexpiredToken() throws Exception {
        String invalid = "[{\"message\":\"Session expired or invalid\",\"errorCode\":\"INVALID_SESSION_ID\"}]";
        Reply none = send("GET", DATA + "/limits", null, null, Map.of());
        assertThat(none.status()).isEqualTo(401);
        assertThat(none.body()).isEqualTo(invalid);
        assertThat(none.limitInfo()).isEqualTo("api-usage=0/100000");
        assertThat(send("GET", DATA + "/limits", null, "00D000000000001!forged", Map.of()).body()).isEqualTo(invalid);
        assertThat(api("GET", "/limits", null).status()).isEqualTo(200);

        sandbox.expireSessions();
        assertThat(api("GET", "/limits", null).body()).isEqualTo(invalid);

        MutableClock clock = new MutableClock(Instant.now());
        sandbox.setClock(clock);
        sandbox.setTokenLifetime(Duration.ofHours(1));
        token = token(SalesforceSandbox.CLIENT_ID, SalesforceSandbox.CLIENT_SECRET);
        clock.set(clock.instant().plus(Duration.ofMinutes(59)));
        assertThat(api("GET", "/limits", null).status()).isEqualTo(200);
        clock.set(clock.instant().plus(Duration.ofMinutes(1)));
        assertThat(api("GET", "/limits", null).body()).isEqualTo(invalid);

        sandbox.setTokenLifetime(Duration.ZERO);
        token = token(SalesforceSandbox.CLIENT_ID, SalesforceSandbox.CLIENT_SECRET);
        assertThat(api("GET", "/limits", null).status()).isEqualTo(401);
        assertThat(sandbox.usage()).isZero();
    }

    // ---------------------------------------------------------------------------------------------- records

    @Test
    void createGetUpdateAndDeleteAContact() throws Exception {
        Reply created = api("POST", "/sobjects/Contact",
                fields("FirstName", "Ada", "LastName", "Lovelace", "Email", "ada@example.com"));
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(id).matches("003\\d{12}AAA");
        assertThat(created.json().get("success").asBoolean()).isTrue();
        assertThat(created.json().get("errors")).isEmpty();

        JsonNode record = api("GET", "/sobjects/Contact/" + id, null).json();
        assertThat(record.get("attributes").get("type").asText()).isEqualTo("Contact");
        assertThat(record.get("attributes").get("url").asText()).isEqualTo(DATA + "/sobjects/Contact/" + id);
        assertThat(names(record)).containsExactly("attributes", "Id", "IsDeleted", "FirstName", "LastName", "Email",
                "Twoway_Customer_Id__c", "Twoway_Active__c", "CreatedDate", "CreatedById", "LastModifiedDate",
                "LastModifiedById", "SystemModstamp");
        assertThat(record.get("Id").asText()).isEqualTo(id);
        assertThat(record.get("FirstName").asText()).isEqualTo("Ada");
        assertThat(record.get("Twoway_Customer_Id__c").isNull()).isTrue();
        assertThat(record.get("Twoway_Active__c").asBoolean()).isTrue();
        assertThat(record.get("IsDeleted").asBoolean()).isFalse();
        assertThat(record.get("CreatedById").asText()).isEqualTo(SalesforceSandbox.INTEGRATION_USER_ID);
        assertThat(record.get("SystemModstamp").asText()).matches(SF_DATE);
        assertThat(api("GET", "/sobjects/Contact/" + id.substring(0, 15), null).json().get("Id").asText())
                .isEqualTo(id);

        Reply updated = api("PATCH", "/sobjects/Contact/" + id, fields("Email", "ada@lovelace.org",
                "Twoway_Active__c", false));
        assertThat(updated.status()).isEqualTo(204);
        assertThat(updated.body()).isEmpty();
        JsonNode after = api("GET", "/sobjects/Contact/" + id, null).json();
        assertThat(after.get("Email").asText()).isEqualTo("ada@lovelace.org");
        assertThat(after.get("Twoway_Active__c").asBoolean()).isFalse();
        assertThat(after.get("LastName").asText()).isEqualTo("Lovelace");

        assertThat(api("DELETE", "/sobjects/Contact/" + id, null).status()).isEqualTo(204);
        assertThat(sandbox.contact(id).orElseThrow().isDeleted()).isTrue();
        assertThat(sandbox.contacts()).isEmpty();
        for (Reply gone : List.of(api("DELETE", "/sobjects/Contact/" + id, null),
                api("GET", "/sobjects/Contact/" + id, null),
                api("PATCH", "/sobjects/Contact/" + id, fields("FirstName", "X")))) {
            assertThat(gone.status()).isEqualTo(404);
            assertThat(gone.errorCode()).isEqualTo("ENTITY_IS_DELETED");
        }
        Reply unknown = api("GET", "/sobjects/Contact/003000000009999AAA", null);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.body())
                .isEqualTo("[{\"message\":\"The requested resource does not exist\",\"errorCode\":\"NOT_FOUND\"}]");
        Reply malformed = api("GET", "/sobjects/Contact/not-an-id", null);
        assertThat(malformed.status()).isEqualTo(400);
        assertThat(malformed.errorCode()).isEqualTo("MALFORMED_ID");
        assertThat(api("PUT", "/sobjects/Contact/" + id, fields("LastName", "X")).errorCode())
                .isEqualTo("METHOD_NOT_ALLOWED");
        assertThat(api("GET", "/sobjects/Account/" + id, null).errorCode()).isEqualTo("NOT_FOUND");
    }

    @Test
    void invalidWritesFailWithSalesforceErrorsAndWriteNothing() throws Exception {
        String existing = api("POST", "/sobjects/Contact", fields("LastName", "Kept",
                "Twoway_Customer_Id__c", "c1")).json().get("id").asText();

        assertError(api("POST", "/sobjects/Contact", fields("FirstName", "NoLast")), 400, "REQUIRED_FIELD_MISSING",
                "LastName");
        assertError(api("POST", "/sobjects/Contact", fields("LastName", "x".repeat(81))), 400, "STRING_TOO_LONG",
                "LastName");
        assertError(api("POST", "/sobjects/Contact", fields("LastName", "L", "FirstName", "x".repeat(41))), 400,
                "STRING_TOO_LONG", "FirstName");
        assertError(api("POST", "/sobjects/Contact", fields("LastName", "L", "Email", "not-an-email")), 400,
                "INVALID_EMAIL_ADDRESS", "Email");
        assertError(api("POST", "/sobjects/Contact", fields("LastName", "L", "Shoe_Size__c", "9")), 400,
                "INVALID_FIELD", "Shoe_Size__c");
        assertError(api("POST", "/sobjects/Contact", fields("LastName", "L", "SystemModstamp",
                "2026-11-26T01:00:00.000+0000")), 400, "INVALID_FIELD", "SystemModstamp");
        assertError(api("POST", "/sobjects/Contact", fields("LastName", "L", "Twoway_Customer_Id__c", "c1")), 400,
                "DUPLICATE_VALUE", "Twoway_Customer_Id__c");
        assertThat(api("POST", "/sobjects/Contact", "{\"LastName\":").errorCode()).isEqualTo("JSON_PARSER_ERROR");
        assertThat(api("POST", "/sobjects/Contact", "{\"LastName\":5}").errorCode()).isEqualTo("JSON_PARSER_ERROR");
        assertError(api("PATCH", "/sobjects/Contact/" + existing, fields("LastName", "")), 400,
                "REQUIRED_FIELD_MISSING", "LastName");
        assertError(api("PATCH", "/sobjects/Contact/" + existing, fields("Id", existing)), 400, "INVALID_FIELD", "Id");

        assertThat(sandbox.contacts()).extracting(Contact::id).containsExactly(existing);
        assertThat(sandbox.contact(existing).orElseThrow().get("LastName")).isEqualTo("Kept");
    }

    @Test
    void upsertByExternalIdCreatesThenUpdates() throws Exception {
        String path = "/sobjects/Contact/Twoway_Customer_Id__c/42";
        Reply created = api("PATCH", path, fields("LastName", "Hopper"));
        assertThat(created.status()).isEqualTo(201);
        String id = created.json().get("id").asText();
        assertThat(created.body()).isEqualTo("{\"id\":\"" + id + "\",\"success\":true,\"errors\":[],\"created\":true}");

        Reply updated = api("PATCH", path, fields("FirstName", "Grace"));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.body())
                .isEqualTo("{\"id\":\"" + id + "\",\"success\":true,\"errors\":[],\"created\":false}");
        JsonNode record = api("GET", path, null).json();
        assertThat(record.get("Id").asText()).isEqualTo(id);
        assertThat(record.get("FirstName").asText()).isEqualTo("Grace");
        assertThat(record.get("LastName").asText()).isEqualTo("Hopper");
        assertThat(record.get("Twoway_Customer_Id__c").asText()).isEqualTo("42");

        assertError(api("PATCH", path, fields("Twoway_Customer_Id__c", "42", "LastName", "X")), 400, "INVALID_FIELD",
                "Twoway_Customer_Id__c");
        assertError(api("PATCH", "/sobjects/Contact/Twoway_Customer_Id__c/43", fields("FirstName", "NoLast")), 400,
                "REQUIRED_FIELD_MISSING", "LastName");
        assertThat(api("GET", "/sobjects/Contact/Twoway_Customer_Id__c/43", null).errorCode()).isEqualTo("NOT_FOUND");
        assertThat(api("GET", "/sobjects/Contact/Email/x", null).errorCode()).isEqualTo("NOT_FOUND");

        String odd = "a b+c/d";
        Reply encoded = api("PATCH", "/sobjects/Contact/Twoway_Customer_Id__c/"
                + URLEncoder.encode(odd, StandardCharsets.UTF_8).replace("+", "%20"), fields("LastName", "Odd"));
        assertThat(encoded.status()).isEqualTo(201);
        assertThat(sandbox.contactByExternalId(odd)).isPresent();

        api("DELETE", "/sobjects/Contact/" + id, null);
        Reply deleted = api("GET", path, null);
        assertThat(deleted.status()).isEqualTo(404);
        assertThat(deleted.errorCode()).isEqualTo("ENTITY_IS_DELETED");
        Reply again = api("PATCH", path, fields("LastName", "Hopper II"));
        assertThat(again.status()).isEqualTo(201);
        assertThat(again.json().get("id").asText()).isNotEqualTo(id);
        assertThat(sandbox.contactByExternalId("42").orElseThrow().get("LastName")).isEqualTo("Hopper II");
    }

    // ---------------------------------------------------------------------------------------------- collections

    @Test
    void collectionsUpsertFailsBadRecordsAlone() throws Exception {
        sandbox.addValidationRule("LastName", "Reject", "FIELD_CUSTOM_VALIDATION_EXCEPTION", "Rejected by rule");
        String seeded = sandbox.seedContact(Map.of("LastName", "Seeded", "Twoway_Customer_Id__c", "2"));
        Reply reply = api("PATCH", "/composite/sobjects/Contact/Twoway_Customer_Id__c", collection(false,
                record("1", "LastName", "One", "Email", "one@example.com"),
                record("2", "FirstName", "Two"),
                record("3", "LastName", "Reject"),
                record("4", "FirstName", "NoLast"),
                record(null, "LastName", "NoKey"),
                record("7", "LastName", "Twice"),
                record("7", "LastName", "Twice")));
        assertThat(reply.status()).isEqualTo(200);
        JsonNode results = reply.json();
        assertThat(results).hasSize(7);
        assertThat(names(results.get(0))).containsExactly("id", "success", "created", "errors");
        assertThat(results.get(0).get("success").asBoolean()).isTrue();
        assertThat(results.get(0).get("created").asBoolean()).isTrue();
        assertThat(results.get(0).get("id").asText()).isEqualTo(sandbox.contactByExternalId("1").orElseThrow().id());
        assertThat(results.get(1).get("created").asBoolean()).isFalse();
        assertThat(results.get(1).get("id").asText()).isEqualTo(seeded);
        assertThat(results.get(1).get("errors")).isEmpty();
        JsonNode ruleError = results.get(2).get("errors").get(0);
        assertThat(results.get(2).get("success").asBoolean()).isFalse();
        assertThat(results.get(2).get("id").isNull()).isTrue();
        assertThat(ruleError.get("statusCode").asText()).isEqualTo("FIELD_CUSTOM_VALIDATION_EXCEPTION");
        assertThat(ruleError.get("message").asText()).isEqualTo("Rejected by rule");
        assertThat(ruleError.get("fields").get(0).asText()).isEqualTo("LastName");
        assertThat(statusCode(results.get(3))).isEqualTo("REQUIRED_FIELD_MISSING");
        assertThat(statusCode(results.get(4))).isEqualTo("MISSING_ARGUMENT");
        assertThat(statusCode(results.get(5))).isEqualTo("DUPLICATE_EXTERNAL_ID");
        assertThat(statusCode(results.get(6))).isEqualTo("DUPLICATE_EXTERNAL_ID");

        assertThat(sandbox.contacts()).extracting(c -> c.get("Twoway_Customer_Id__c")).containsExactly("2", "1");
        assertThat(sandbox.contactByExternalId("2").orElseThrow().get("FirstName")).isEqualTo("Two");
        assertThat(sandbox.usage()).isEqualTo(1);
    }

    @Test
    void collectionsAllOrNoneWritesNothingWhenOneRecordFails() throws Exception {
        String seeded = sandbox.seedContact(Map.of("LastName", "Seeded", "FirstName", "Old",
                "Twoway_Customer_Id__c", "2"));
        Instant stamp = sandbox.contact(seeded).orElseThrow().systemModstamp();
        JsonNode results = api("PATCH", "/composite/sobjects/Contact/Twoway_Customer_Id__c", collection(true,
                record("1", "LastName", "One"),
                record("2", "FirstName", "New"),
                record("3", "LastName", "Three", "Email", "bad@"))).json();
        assertThat(statusCode(results.get(0))).isEqualTo("ALL_OR_NONE_OPERATION_ROLLED_BACK");
        assertThat(results.get(0).get("id").isNull()).isTrue();
        assertThat(statusCode(results.get(1))).isEqualTo("ALL_OR_NONE_OPERATION_ROLLED_BACK");
        assertThat(results.get(1).get("id").asText()).isEqualTo(seeded);
        assertThat(statusCode(results.get(2))).isEqualTo("INVALID_EMAIL_ADDRESS");
        assertThat(sandbox.contactByExternalId("1")).isEmpty();
        Contact untouched = sandbox.contact(seeded).orElseThrow();
        assertThat(untouched.get("FirstName")).isEqualTo("Old");
        assertThat(untouched.systemModstamp()).isEqualTo(stamp);

        JsonNode allGood = api("PATCH", "/composite/sobjects/Contact/Twoway_Customer_Id__c", collection(true,
                record("1", "LastName", "One"), record("2", "FirstName", "New"))).json();
        assertThat(allGood).allSatisfy(r -> assertThat(r.get("success").asBoolean()).isTrue());
        assertThat(sandbox.contactByExternalId("2").orElseThrow().get("FirstName")).isEqualTo("New");
    }

    @Test
    void collectionsRefuseMalformedAndOversizedCallsWhole() throws Exception {
        String path = "/composite/sobjects/Contact/Twoway_Customer_Id__c";
        List<Map<String, Object>> tooMany = new ArrayList<>();
        for (int i = 0; i < 201; i++) {
            tooMany.add(record("c" + i, "LastName", "L" + i));
        }
        Reply oversized = api("PATCH", path, json(Map.of("allOrNone", false, "records", tooMany)));
        assertThat(oversized.status()).isEqualTo(400);
        assertThat(oversized.errorCode()).isEqualTo("EXCEEDED_ID_LIMIT");
        assertThat(api("PATCH", path, "{\"records\":[").errorCode()).isEqualTo("JSON_PARSER_ERROR");
        assertThat(api("PATCH", path, "{\"records\":{}}").errorCode()).isEqualTo("JSON_PARSER_ERROR");
        assertThat(api("PATCH", path, "{\"records\":[{\"Twoway_Customer_Id__c\":\"1\",\"LastName\":\"L\"}]}")
                .errorCode()).isEqualTo("JSON_PARSER_ERROR");
        assertThat(api("PATCH", path, collection(false, record("1", "LastName", "L", "Shoe__c", "9"))).errorCode())
                .isEqualTo("INVALID_FIELD");
        assertThat(sandbox.contacts()).isEmpty();

        Reply full = api("PATCH", path, json(Map.of("allOrNone", false, "records", tooMany.subList(0, 200))));
        assertThat(full.status()).isEqualTo(200);
        assertThat(full.json()).hasSize(200).allSatisfy(r -> assertThat(r.get("created").asBoolean()).isTrue());
        assertThat(sandbox.contacts()).hasSize(200);
    }

    @Test
    void collectionsUpdateAndDeleteById() throws Exception {
        String a = sandbox.seedContact(Map.of("LastName", "A"));
        String b = sandbox.seedContact(Map.of("LastName", "B"));
        String c = sandbox.seedContact(Map.of("LastName", "C"));
        Map<String, Object> first = record(null, "id", a, "FirstName", "A2");
        Map<String, Object> unknown = record(null, "id", "003000000009999AAA", "FirstName", "X");
        Map<String, Object> malformed = record(null, "Id", "bogus", "FirstName", "X");
        JsonNode updated = api("PATCH", "/composite/sobjects", collection(false, first, unknown, malformed)).json();
        assertThat(names(updated.get(0))).containsExactly("id", "success", "errors");
        assertThat(updated.get(0).get("id").asText()).isEqualTo(a);
        assertThat(updated.get(0).get("success").asBoolean()).isTrue();
        assertThat(statusCode(updated.get(1))).isEqualTo("NOT_FOUND");
        assertThat(statusCode(updated.get(2))).isEqualTo("MALFORMED_ID");
        assertThat(sandbox.contact(a).orElseThrow().get("FirstName")).isEqualTo("A2");

        JsonNode deleted = api("DELETE", "/composite/sobjects?ids=" + a + "," + b + ",003000000009999AAA"
                + "&allOrNone=false", null).json();
        assertThat(deleted.get(0).get("id").asText()).isEqualTo(a);
        assertThat(deleted.get(1).get("success").asBoolean()).isTrue();
        assertThat(statusCode(deleted.get(2))).isEqualTo("NOT_FOUND");
        JsonNode again = api("DELETE", "/composite/sobjects?ids=" + a, null).json();
        assertThat(again.get(0).get("id").asText()).isEqualTo(a);
        assertThat(statusCode(again.get(0))).isEqualTo("ENTITY_IS_DELETED");

        JsonNode rolledBack = api("DELETE", "/composite/sobjects?ids=" + c + ",bogus&allOrNone=true", null).json();
        assertThat(statusCode(rolledBack.get(0))).isEqualTo("ALL_OR_NONE_OPERATION_ROLLED_BACK");
        assertThat(statusCode(rolledBack.get(1))).isEqualTo("MALFORMED_ID");
        assertThat(sandbox.contacts()).extracting(Contact::id).containsExactly(c);

        assertThat(api("DELETE", "/composite/sobjects", null).errorCode()).isEqualTo("MISSING_ARGUMENT");
        String ids = String.join(",", Collections.nCopies(201, c));
        assertThat(api("DELETE", "/composite/sobjects?ids=" + ids, null).errorCode()).isEqualTo("EXCEEDED_ID_LIMIT");
    }

    @Test
    void duplicateRuleBlocksAnEmailAnotherLiveContactHas() throws Exception {
        String first = sandbox.seedContact(Map.of("LastName", "First", "Email", "dup@example.com"));
        assertThat(api("POST", "/sobjects/Contact", fields("LastName", "Allowed", "Email", "dup@example.com")).status())
                .isEqualTo(201);

        sandbox.setDuplicateRuleBlocksEmail(true);
        assertError(api("POST", "/sobjects/Contact", fields("LastName", "Blocked", "Email", "DUP@example.com")), 400,
                "DUPLICATES_DETECTED", null);
        JsonNode results = api("PATCH", "/composite/sobjects/Contact/Twoway_Customer_Id__c", collection(false,
                record("9", "LastName", "Blocked", "Email", "dup@example.com"),
                record("10", "LastName", "Fine", "Email", "fine@example.com"))).json();
        assertThat(statusCode(results.get(0))).isEqualTo("DUPLICATES_DETECTED");
        assertThat(results.get(1).get("success").asBoolean()).isTrue();

        for (Contact c : sandbox.contacts()) {
            if ("dup@example.com".equals(c.get("Email"))) {
                sandbox.deleteAsAdmin(c.id());
            }
        }
        assertThat(sandbox.contact(first).orElseThrow().isDeleted()).isTrue();
        assertThat(api("POST", "/sobjects/Contact", fields("LastName", "Now", "Email", "dup@example.com")).status())
                .isEqualTo(201);
    }

    // ---------------------------------------------------------------------------------------------- query

    @Test
    void queryFiltersSortsAndPagesFromASnapshot() throws Exception {
        MutableClock clock = new MutableClock(T0.minusSeconds(60));
        sandbox.setClock(clock);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            clock.set(T0.minusSeconds(60).plus(Duration.ofMinutes(i)));
            ids.add(sandbox.seedContact(Map.of("LastName", "L" + i, "Twoway_Customer_Id__c", "c" + i)));
        }
        sandbox.setQueryBatchSize(2);
        Reply first = query("SELECT Id, LastName, SystemModstamp FROM Contact "
                + "WHERE SystemModstamp > 2026-11-26T01:00:00Z ORDER BY SystemModstamp, Id");
        assertThat(first.status()).isEqualTo(200);
        JsonNode page1 = first.json();
        assertThat(page1.get("totalSize").asInt()).isEqualTo(4);
        assertThat(page1.get("done").asBoolean()).isFalse();
        String next = page1.get("nextRecordsUrl").asText();
        assertThat(next).matches(DATA.replace(".", "\\.") + "/query/01g\\w{15}-2");
        assertThat(page1.get("records")).extracting(r -> r.get("Id").asText()).containsExactly(ids.get(1), ids.get(2));
        JsonNode row = page1.get("records").get(0);
        assertThat(names(row)).containsExactly("attributes", "Id", "LastName", "SystemModstamp");
        assertThat(row.get("attributes").get("url").asText()).isEqualTo(DATA + "/sobjects/Contact/" + ids.get(1));
        assertThat(row.get("SystemModstamp").asText()).isEqualTo("2026-11-26T01:00:30.000+0000");

        sandbox.editAsAdmin(ids.get(3), Map.of("LastName", "Changed after the first page"));
        Reply second = send("GET", next, null, token, Map.of());
        JsonNode page2 = second.json();
        assertThat(page2.get("totalSize").asInt()).isEqualTo(4);
        assertThat(page2.get("done").asBoolean()).isTrue();
        assertThat(page2.has("nextRecordsUrl")).isFalse();
        assertThat(page2.get("records")).extracting(r -> r.get("LastName").asText()).containsExactly("L3", "L4");

        Reply stale = api("GET", "/query/01g000000000999AAA-2", null);
        assertThat(stale.status()).isEqualTo(400);
        assertThat(stale.errorCode()).isEqualTo("INVALID_QUERY_LOCATOR");

        JsonNode top = query("SELECT LastName FROM Contact ORDER BY LastName DESC LIMIT 2").json();
        assertThat(top.get("totalSize").asInt()).isEqualTo(2);
        assertThat(top.get("done").asBoolean()).isTrue();
        assertThat(top.get("records")).extracting(r -> r.get("LastName").asText()).containsExactly("L4", "L2");
    }

    @Test
    void queryReadsSalesforceLiteralsAndRejectsTheRest() throws Exception {
        sandbox.setClock(new MutableClock(T0));
        String obrien = sandbox.seedContact(Map.of("LastName", "O'Brien", "Email", "ob@example.com",
                "Twoway_Active__c", false));
        Map<String, Object> smith = new HashMap<>();
        smith.put("LastName", "Smith");
        smith.put("FirstName", null);
        String smithId = sandbox.seedContact(smith);

        assertThat(ids(query("SELECT Id FROM Contact WHERE LastName = 'o\\'brien'"))).containsExactly(obrien);
        assertThat(ids(query("SELECT Id FROM Contact WHERE Twoway_Active__c = false"))).containsExactly(obrien);
        assertThat(ids(query("SELECT Id FROM Contact WHERE FirstName = null AND Email != null")))
                .containsExactly(obrien);
        assertThat(ids(query("SELECT Id FROM Contact WHERE Email != 'ob@example.com'"))).containsExactly(smithId);
        assertThat(ids(query("SELECT Id FROM Contact WHERE Id = '" + smithId.substring(0, 15) + "'")))
                .containsExactly(smithId);
        for (String literal : List.of("2026-11-26T01:00:30Z", "2026-11-26T01:00:30.000+0000",
                "2026-11-26T01:00:30+00:00", "2026-11-26T02:00:30+01:00")) {
            assertThat(ids(query("SELECT Id FROM Contact WHERE SystemModstamp >= " + literal
                    + " AND CreatedDate <= " + literal))).as(literal).containsExactly(obrien, smithId);
        }
        JsonNode lower = query("select id, lastname from contact where LASTNAME = 'SMITH'").json();
        assertThat(names(lower.get("records").get(0))).containsExactly("attributes", "Id", "LastName");

        Map<String, String> errors = new LinkedHashMap<>();
        errors.put("SELECT Id FROM Contact WHERE LastName = 'a' OR LastName = 'b'", "MALFORMED_QUERY");
        errors.put("SELECT Id FROM Contact WHERE", "MALFORMED_QUERY");
        errors.put("SELECT Id FROM Contact WHERE LastName IN ('a')", "MALFORMED_QUERY");
        errors.put("SELECT Id FROM Contact LIMIT many", "MALFORMED_QUERY");
        errors.put("SELECT Id FROM Contact WHERE LastName = 'open", "MALFORMED_QUERY");
        errors.put("SELECT Id, Id FROM Contact", "MALFORMED_QUERY");
        errors.put("", "MALFORMED_QUERY");
        errors.put("SELECT Shoe_Size__c FROM Contact", "INVALID_FIELD");
        errors.put("SELECT Id FROM Contact WHERE SystemModstamp > '2026-11-26T01:00:00Z'", "INVALID_FIELD");
        errors.put("SELECT Id FROM Contact WHERE LastName = 5", "INVALID_FIELD");
        errors.put("SELECT Id FROM Account", "INVALID_TYPE");
        errors.forEach((soql, code) -> {
            Reply reply = query(soql);
            assertThat(reply.status()).as(soql).isEqualTo(400);
            assertThat(reply.errorCode()).as(soql).isEqualTo(code);
            assertThat(reply.json().get(0).get("message").asText()).as(soql).isNotBlank();
        });
    }

    @Test
    void queryAllAlsoReturnsDeletedContacts() throws Exception {
        String gone = sandbox.seedContact(Map.of("LastName", "Gone"));
        String kept = sandbox.seedContact(Map.of("LastName", "Kept"));
        sandbox.deleteAsAdmin(gone);

        assertThat(ids(query("SELECT Id, IsDeleted FROM Contact"))).containsExactly(kept);
        Reply all = send("GET", DATA + "/queryAll?q=" + encode("SELECT Id, IsDeleted FROM Contact ORDER BY Id"), null,
                token, Map.of());
        assertThat(all.json().get("records")).extracting(r -> r.get("Id").asText() + "/" + r.get("IsDeleted"))
                .containsExactly(gone + "/true", kept + "/false");
        Reply onlyDeleted = send("GET", DATA + "/queryAll?q=" + encode("SELECT Id FROM Contact WHERE IsDeleted = true"),
                null, token, Map.of());
        assertThat(ids(onlyDeleted)).containsExactly(gone);
    }

    // ---------------------------------------------------------------------------------------------- deleted

    @Test
    void deletedResourceListsTheRecycleBinWithinTheWindow() throws Exception {
        MutableClock clock = new MutableClock(T0);
        sandbox.setClock(clock);
        sandbox.setEarliestDateAvailable(Instant.parse("2026-11-20T00:00:00Z"));
        String a = sandbox.seedContact(Map.of("LastName", "A"));
        String b = sandbox.seedContact(Map.of("LastName", "B"));
        sandbox.seedContact(Map.of("LastName", "Live"));
        clock.set(Instant.parse("2026-11-26T01:10:15Z"));
        api("DELETE", "/sobjects/Contact/" + a, null);
        clock.set(Instant.parse("2026-11-26T01:20:45.123Z"));
        sandbox.deleteAsAdmin(b);
        clock.set(Instant.parse("2026-11-26T01:30:50Z"));

        JsonNode window = deleted("2026-11-26T01:00:00+00:00", "2026-11-26T01:25:10+00:00").json();
        assertThat(window.get("deletedRecords")).extracting(r -> r.get("id").asText() + "@" + r.get("deletedDate")
                .asText()).containsExactly(a + "@2026-11-26T01:10:15.000+0000", b + "@2026-11-26T01:20:45.123+0000");
        assertThat(window.get("latestDateCovered").asText()).isEqualTo("2026-11-26T01:25:00.000+0000");
        assertThat(window.get("earliestDateAvailable").asText()).isEqualTo("2026-11-20T00:00:00.000+0000");

        JsonNode toNow = deleted("2026-11-26T01:15:00Z", "2026-11-26T02:00:00.000+0000").json();
        assertThat(toNow.get("deletedRecords")).extracting(r -> r.get("id").asText()).containsExactly(b);
        assertThat(toNow.get("latestDateCovered").asText()).isEqualTo("2026-11-26T01:30:00.000+0000");

        sandbox.setEarliestDateAvailable(Instant.parse("2026-11-26T01:15:00Z"));
        JsonNode purged = deleted("2026-11-26T01:00:00Z", "2026-11-26T01:30:00Z").json();
        assertThat(purged.get("earliestDateAvailable").asText()).isEqualTo("2026-11-26T01:15:00.000+0000");
        assertThat(purged.get("deletedRecords")).extracting(r -> r.get("id").asText()).containsExactly(b);

        for (Reply bad : List.of(deleted("2026-11-26T01:00:00Z", null), deleted("yesterday", "2026-11-26T01:00:00Z"),
                deleted("2026-11-26T01:00:00Z", "2026-11-25T01:00:00Z"))) {
            assertThat(bad.status()).isEqualTo(400);
            assertThat(bad.errorCode()).isEqualTo("INVALID_REPLICATION_DATE");
        }
    }

    @Test
    void deletedResourceKeepsFifteenDaysByDefault() throws Exception {
        Instant before = Instant.now();
        sandbox.reset();
        Instant after = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        token = token(SalesforceSandbox.CLIENT_ID, SalesforceSandbox.CLIENT_SECRET);
        String start = after.minus(Duration.ofDays(1)).toString();
        JsonNode body = deleted(start, after.plusSeconds(60).toString()).json();
        Instant earliest = Instant.parse(body.get("earliestDateAvailable").asText().replace("+0000", "Z"));
        assertThat(earliest).isBetween(before.minus(Duration.ofDays(15)).truncatedTo(ChronoUnit.MINUTES),
                after.plusSeconds(1).minus(Duration.ofDays(15)));
        assertThat(body.get("deletedRecords")).isEmpty();
    }

    // ---------------------------------------------------------------------------------------------- limits

    @Test
    void everyApiAnswerCarriesTheUsageAndTheLimitIsEnforced() throws Exception {
        sandbox.setDailyLimit(5);
        Reply limits = api("GET", "/limits", null);
        assertThat(limits.body()).isEqualTo("{\"DailyApiRequests\":{\"Max\":5,\"Remaining\":5}}");
        assertThat(limits.limitInfo()).isEqualTo("api-usage=0/5");
        assertThat(query("SELECT Id FROM Contact").limitInfo()).isEqualTo("api-usage=1/5");
        assertThat(query("SELECT Id FROM Contact").limitInfo()).isEqualTo("api-usage=2/5");
        token(SalesforceSandbox.CLIENT_ID, SalesforceSandbox.CLIENT_SECRET);
        Reply notFound = api("GET", "/sobjects/Contact/003000000009999AAA", null);
        assertThat(notFound.status()).isEqualTo(404);
        assertThat(notFound.limitInfo()).isEqualTo("api-usage=3/5");
        assertThat(api("PATCH", "/composite/sobjects/Contact/Twoway_Customer_Id__c",
                collection(false, record("1", "LastName", "A"), record("2", "LastName", "B"))).limitInfo())
                .isEqualTo("api-usage=4/5");
        assertThat(sandbox.usage()).isEqualTo(4);

        sandbox.setUsage(5);
        Reply over = query("SELECT Id FROM Contact");
        assertThat(over.status()).isEqualTo(403);
        assertThat(over.body()).isEqualTo(
                "[{\"message\":\"TotalRequests Limit exceeded.\",\"errorCode\":\"REQUEST_LIMIT_EXCEEDED\"}]");
        assertThat(over.limitInfo()).isEqualTo("api-usage=5/5");
        Reply stillAnswered = api("GET", "/limits", null);
        assertThat(stillAnswered.status()).isEqualTo(200);
        assertThat(stillAnswered.json().get("DailyApiRequests").get("Remaining").asInt()).isZero();
        assertThat(send("GET", DATA + "/limits", null, null, Map.of()).limitInfo()).isEqualTo("api-usage=5/5");
        assertThat(sandbox.usage()).isEqualTo(5);

        sandbox.setDailyLimit(10);
        assertThat(query("SELECT Id FROM Contact").status()).isEqualTo(200);
        assertThat(sandbox.usage()).isEqualTo(6);
    }

    // ---------------------------------------------------------------------------------------------- faults

    @Test
    void injectedFaultsHitTheNextApiCallsInOrder() throws Exception {
        sandbox.failNext(1, Fault.SERVER_ERROR);
        sandbox.failNext(1, Fault.LIMIT_EXCEEDED);
        assertThat(tokenCall(INTEGRATION_FORM).status()).isEqualTo(200);
        assertThat(api("GET", "/limits", null).status()).isEqualTo(200);
        Reply unavailable = query("SELECT Id FROM Contact");
        assertThat(unavailable.status()).isEqualTo(503);
        assertThat(unavailable.errorCode()).isEqualTo("SERVER_UNAVAILABLE");
        Reply limited = query("SELECT Id FROM Contact");
        assertThat(limited.status()).isEqualTo(403);
        assertThat(limited.errorCode()).isEqualTo("REQUEST_LIMIT_EXCEEDED");
        assertThat(query("SELECT Id FROM Contact").status()).isEqualTo(200);
        assertThat(sandbox.usage()).isEqualTo(1);

        sandbox.failNext(1, Fault.EXPIRED_SESSION);
        Reply expired = query("SELECT Id FROM Contact");
        assertThat(expired.status()).isEqualTo(401);
        assertThat(expired.errorCode()).isEqualTo("INVALID_SESSION_ID");
        assertThat(query("SELECT Id FROM Contact").status()).isEqualTo(401);
        token = token(SalesforceSandbox.CLIENT_ID, SalesforceSandbox.CLIENT_SECRET);
        assertThat(query("SELECT Id FROM Contact").status()).isEqualTo(200);

        sandbox.failNext(3, Fault.SERVER_ERROR);
        sandbox.setLatency(Duration.ofMillis(20));
        sandbox.clearFaults();
        assertThat(query("SELECT Id FROM Contact").status()).isEqualTo(200);
    }

    @Test
    void lockFaultFailsTheNextWriteWhole() throws Exception {
        String path = "/composite/sobjects/Contact/Twoway_Customer_Id__c";
        sandbox.failNext(1, Fault.LOCK);
        assertThat(query("SELECT Id FROM Contact").status()).isEqualTo(200);
        JsonNode locked = api("PATCH", path, collection(false, record("1", "LastName", "A"),
                record("2", "LastName", "B"))).json();
        assertThat(locked).hasSize(2).allSatisfy(r -> {
            assertThat(r.get("success").asBoolean()).isFalse();
            assertThat(statusCode(r)).isEqualTo("UNABLE_TO_LOCK_ROW");
        });
        assertThat(sandbox.contacts()).isEmpty();

        sandbox.failNext(1, Fault.LOCK);
        Reply single = api("PATCH", "/sobjects/Contact/Twoway_Customer_Id__c/1", fields("LastName", "A"));
        assertThat(single.status()).isEqualTo(400);
        assertThat(single.errorCode()).isEqualTo("UNABLE_TO_LOCK_ROW");
        assertThat(sandbox.contacts()).isEmpty();
        assertThat(api("PATCH", "/sobjects/Contact/Twoway_Customer_Id__c/1", fields("LastName", "A")).status())
                .isEqualTo(201);
    }

    // ---------------------------------------------------------------------------------------------- log, admin

    @Test
    void requestLogRecordsEachCallWithItsCallOptionsAndUser() throws Exception {
        Reply created = send("POST", DATA + "/sobjects/Contact", fields("LastName", "Logged"), token,
                Map.of("Sforce-Call-Options", "client=twoway"));
        String id = created.json().get("id").asText();
        query("SELECT Id FROM Contact WHERE LastName = 'Logged'");

        List<RecordedRequest> requests = sandbox.requests();
        assertThat(requests).extracting(RecordedRequest::path).containsExactly("/services/oauth2/token",
                DATA + "/sobjects/Contact", DATA + "/query");
        RecordedRequest write = requests.get(1);
        assertThat(write.method()).isEqualTo("POST");
        assertThat(write.callOptions()).isEqualTo("client=twoway");
        assertThat(write.body()).contains("\"LastName\":\"Logged\"");
        assertThat(write.status()).isEqualTo(201);
        assertThat(write.userId()).isEqualTo(SalesforceSandbox.INTEGRATION_USER_ID);
        assertThat(write.at()).isNotNull();
        assertThat(requests.get(2).query()).containsEntry("q", "SELECT Id FROM Contact WHERE LastName = 'Logged'");
        assertThat(sandbox.writeRequests()).containsExactly(write);

        Contact contact = sandbox.contact(id).orElseThrow();
        assertThat(contact.lastModifiedCallOptions()).isEqualTo("client=twoway");
        assertThat(contact.lastModifiedClient()).isEqualTo("twoway");

        String admin = token(SalesforceSandbox.ADMIN_CLIENT_ID, SalesforceSandbox.ADMIN_CLIENT_SECRET);
        send("PATCH", DATA + "/sobjects/Contact/" + id, fields("FirstName", "Human"), admin, Map.of());
        Contact edited = sandbox.contact(id).orElseThrow();
        assertThat(edited.lastModifiedCallOptions()).isNull();
        assertThat(edited.lastModifiedClient()).isNull();
        assertThat(edited.lastModifiedById()).isEqualTo(SalesforceSandbox.ADMIN_USER_ID);
        assertThat(sandbox.writeRequests()).last().extracting(RecordedRequest::userId)
                .isEqualTo(SalesforceSandbox.ADMIN_USER_ID);

        sandbox.clearRequests();
        assertThat(sandbox.requests()).isEmpty();
    }

    @Test
    void adminEditsLookLikeEditsMadeInSalesforce() throws Exception {
        MutableClock clock = new MutableClock(T0);
        sandbox.setClock(clock);
        String id = api("POST", "/sobjects/Contact", fields("LastName", "Api")).json().get("id").asText();
        Contact viaApi = sandbox.contact(id).orElseThrow();
        assertThat(viaApi.lastModifiedById()).isEqualTo(SalesforceSandbox.INTEGRATION_USER_ID);
        assertThat(viaApi.systemModstamp()).isEqualTo(T0);

        clock.set(T0.plusSeconds(5));
        sandbox.editAsAdmin(id, Map.of("FirstName", "Edited"));
        JsonNode record = api("GET", "/sobjects/Contact/" + id, null).json();
        assertThat(record.get("LastModifiedById").asText()).isEqualTo(SalesforceSandbox.ADMIN_USER_ID);
        assertThat(record.get("CreatedById").asText()).isEqualTo(SalesforceSandbox.INTEGRATION_USER_ID);
        assertThat(record.get("SystemModstamp").asText()).isEqualTo("2026-11-26T01:00:35.000+0000");
        assertThat(record.get("LastModifiedDate").asText()).isEqualTo("2026-11-26T01:00:35.000+0000");
        assertThat(record.get("CreatedDate").asText()).isEqualTo("2026-11-26T01:00:30.000+0000");

        clock.set(T0.minus(Duration.ofHours(1)));
        sandbox.editAsAdmin(id, Map.of("FirstName", "Clock went back"));
        assertThat(sandbox.contact(id).orElseThrow().systemModstamp()).isEqualTo(T0.plusSeconds(5));

        String created = sandbox.createAsAdmin(Map.of("LastName", "Human"));
        assertThat(sandbox.contact(created).orElseThrow().get("CreatedById"))
                .isEqualTo(SalesforceSandbox.ADMIN_USER_ID);
        sandbox.deleteAsAdmin(created);
        assertThat(sandbox.contact(created).orElseThrow().isDeleted()).isTrue();

        assertThatThrownBy(() -> sandbox.editAsAdmin(id, Map.of("Email", "nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("INVALID_EMAIL_ADDRESS");
        sandbox.addValidationRule("LastName", "Blocked", "FIELD_CUSTOM_VALIDATION_EXCEPTION", "No");
        assertThatThrownBy(() -> sandbox.createAsAdmin(Map.of("LastName", "Blocked")))
                .hasMessageContaining("FIELD_CUSTOM_VALIDATION_EXCEPTION");
        assertThat(sandbox.seedContact(Map.of("LastName", "Blocked"))).startsWith("003");

        assertThat(sandbox.usage()).isEqualTo(2);
        assertThat(sandbox.writeRequests()).hasSize(1);
    }

    @Test
    void httpControlsSetFaultsAndUsageAndShowState() throws Exception {
        sandbox.seedContact(Map.of("LastName", "Shown"));
        Reply fault = control("POST", "/_sandbox/faults?fault=EXPIRED_SESSION&count=1");
        assertThat(fault.status()).isEqualTo(200);
        assertThat(fault.body()).isEqualTo("{\"fault\":\"EXPIRED_SESSION\",\"count\":1}");
        assertThat(query("SELECT Id FROM Contact").errorCode()).isEqualTo("INVALID_SESSION_ID");

        Reply usage = control("POST", "/_sandbox/usage?used=7&max=9");
        assertThat(usage.body()).isEqualTo("{\"used\":7,\"max\":9}");
        assertThat(sandbox.usage()).isEqualTo(7);
        assertThat(sandbox.dailyLimit()).isEqualTo(9);

        JsonNode contacts = control("GET", "/_sandbox/contacts").json();
        assertThat(contacts).hasSize(1);
        assertThat(contacts.get(0).get("LastName").asText()).isEqualTo("Shown");
        JsonNode requests = control("GET", "/_sandbox/requests").json();
        assertThat(requests).extracting(r -> r.get("status").asInt()).containsExactly(200, 401);
        assertThat(requests.get(1).get("query").get("q").asText()).isEqualTo("SELECT Id FROM Contact");

        assertThat(control("POST", "/_sandbox/faults?fault=TYPO").status()).isEqualTo(400);
        assertThat(control("POST", "/_sandbox/usage?used=many").status()).isEqualTo(400);
        assertThat(control("GET", "/_sandbox/nothing").status()).isEqualTo(404);
        assertThat(sandbox.requests()).noneMatch(r -> r.path().startsWith("/_sandbox"));
        assertThat(sandbox.usage()).isEqualTo(7);
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private static String token(String clientId, String secret) throws Exception {
        Reply reply = tokenCall("grant_type=client_credentials&client_id=" + clientId + "&client_secret=" + secret);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        return reply.json().get("access_token").asText();
    }

    private static Reply tokenCall(String form) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + "/services/oauth2/token"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build();
        return reply(HTTP.send(request, HttpResponse.BodyHandlers.ofString()));
    }

    /** A call under /services/data/v62.0 with the current token. */
    private Reply api(String method, String path, String body) throws Exception {
        return send(method, DATA + path, body, token, Map.of());
    }

    private Reply query(String soql) {
        try {
            return api("GET", "/query?q=" + encode(soql), null);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private Reply deleted(String start, String end) throws Exception {
        String params = "?start=" + encode(start) + (end == null ? "" : "&end=" + encode(end));
        return api("GET", "/sobjects/Contact/deleted/" + params, null);
    }

    private static Reply control(String method, String path) throws Exception {
        return send(method, path, null, null, Map.of());
    }

    private static Reply send(String method, String path, String body, String bearer, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(sandbox.baseUrl() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        if (bearer != null) {
            request.header("Authorization", "Bearer " + bearer);
        }
        headers.forEach(request::header);
        return reply(HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString()));
    }

    private static Reply reply(HttpResponse<String> response) {
        return new Reply(response.statusCode(), response.body(),
                response.headers().firstValue("Sforce-Limit-Info").orElse(null));
    }

    private static void assertError(Reply reply, int status, String errorCode, String field) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(status);
        JsonNode error = reply.json().get(0);
        assertThat(error.get("errorCode").asText()).isEqualTo(errorCode);
        assertThat(error.get("message").asText()).isNotBlank();
        if (field != null) {
            assertThat(error.get("fields")).extracting(JsonNode::asText).containsExactly(field);
        }
    }

    private static String statusCode(JsonNode result) {
        assertThat(result.get("success").asBoolean()).isFalse();
        return result.get("errors").get(0).get("statusCode").asText();
    }

    private static List<String> ids(Reply reply) {
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        reply.json().get("records").forEach(r -> ids.add(r.get("Id").asText()));
        return ids;
    }

    private static List<String> names(JsonNode object) {
        List<String> names = new ArrayList<>();
        object.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A JSON object from name/value pairs, in order. */
    private static String fields(Object... pairs) {
        return json(map(pairs));
    }

    /** A collections record with attributes, its external id (when not null) and the given name/value pairs. */
    private static Map<String, Object> record(String customerId, Object... pairs) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("attributes", Map.of("type", "Contact"));
        if (customerId != null) {
            record.put("Twoway_Customer_Id__c", customerId);
        }
        record.putAll(map(pairs));
        return record;
    }

    @SafeVarargs
    private static String collection(boolean allOrNone, Map<String, Object>... records) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("allOrNone", allOrNone);
        body.put("records", List.of(records));
        return json(body);
    }

    private static Map<String, Object> map(Object... pairs) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            out.put((String) pairs[i], pairs[i + 1]);
        }
        return out;
    }

    private static String json(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }
}
