package io.twoway.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.swagger.v3.parser.OpenAPIV3Parser;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import io.twoway.conflict.ConflictResolver;
import io.twoway.reconcile.Mismatch;
import io.twoway.testsupport.Http;
import io.twoway.testsupport.IntegrationTest;
import io.twoway.testsupport.StripeEvents;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.api.management.ManagedCamelContext;
import org.apache.camel.component.platform.http.HttpEndpointModel;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.model.ModelCamelContext;
import org.apache.camel.model.rest.RestDefinition;
import org.apache.camel.model.rest.VerbDefinition;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * API description: {@code /openapi.json} is an OpenAPI 3 document that lists every HTTP operation the API server
 * serves (the REST DSL's and the plain platform-http routes', the webhook among them), each with its parameters,
 * bodies, answers and security; Swagger UI is at {@code /docs}; both ask for the token like every other path.
 */
class OpenApiTest extends IntegrationTest {

    /** The description's own pages: served on the API port, not operations of the API. */
    private static final Set<String> DESCRIPTION_PAGES = Set.of("/openapi.json", "/docs", "/console");
    private static final String WEBHOOK = "POST /webhooks/stripe";
    /** The operations that read a request body: each must describe it. */
    private static final Set<String> WITH_BODY = Set.of("POST /customers", "PUT /customers/{id}", "POST /admin/conflicts/resolve",
            "POST /admin/conflicts/{id}/resolve", "POST /admin/reconciliation/mismatches/resolve",
            "POST /admin/reconciliation/mismatches/{id}/resolve", "POST /admin/dlq/replay", WEBHOOK);
    private static final Pattern PATH_PARAM = Pattern.compile("\\{([^}]+)}");

    @Autowired
    private CamelContext camelContext;

    private JsonNode document() {
        Http.Reply reply = http().get("/openapi.json");
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        return reply.json();
    }

    /** Every operation of the document, as "METHOD /path". */
    private static Map<String, JsonNode> operations(JsonNode doc) {
        Map<String, JsonNode> operations = new TreeMap<>();
        doc.path("paths").fields().forEachRemaining(path -> path.getValue().fields().forEachRemaining(op -> {
            if (Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(op.getKey())) {
                operations.put(op.getKey().toUpperCase() + " " + path.getKey(), op.getValue());
            }
        }));
        return operations;
    }

    /** What the API server serves: every REST DSL verb, and every platform-http endpoint (REST or plain), but the description's pages. */
    private Set<String> servedOperations() {
        Set<String> served = new TreeSet<>();
        for (RestDefinition rest : ((ModelCamelContext) camelContext).getRestDefinitions()) {
            for (VerbDefinition verb : rest.getVerbs()) {
                served.add(verb.asVerb().toUpperCase() + " " + path(rest.getPath(), verb.getPath()));
            }
        }
        for (HttpEndpointModel endpoint : camelContext.getComponent("platform-http", PlatformHttpComponent.class).getHttpEndpoints()) {
            String path = path(endpoint.getUri(), null);
            if (DESCRIPTION_PAGES.contains(path)) {
                continue;
            }
            assertThat(endpoint.getVerbs()).as("%s takes every method: restrict it (httpMethodRestrict) and describe each", path).isNotBlank();
            for (String verb : endpoint.getVerbs().split(",")) {
                served.add(verb.trim().toUpperCase() + " " + path);
            }
        }
        return served;
    }

    /** "/a" + "/b/{id}" as "/a/b/{id}"; "/" for none. */
    private static String path(String base, String sub) {
        return "/" + String.join("/", Arrays.stream(((base == null ? "" : base) + "/" + (sub == null ? "" : sub)).split("/"))
                .filter(segment -> !segment.isEmpty()).toList());
    }

    @Test
    void theDocumentIsOpenApi3AndListsEveryOperationTheServerServes() {
        JsonNode doc = document();
        assertThat(doc.path("openapi").asText()).startsWith("3.");
        SwaggerParseResult parsed = new OpenAPIV3Parser().readContents(doc.toString());
        assertThat(parsed.getMessages()).as("a valid OpenAPI 3 document").isEmpty();
        assertThat(parsed.getOpenAPI().getPaths()).isNotEmpty();
        assertThat(doc.path("info").path("title").asText()).isEqualTo("Twoway");
        assertThat(doc.path("info").path("version").asText()).isNotBlank().doesNotContain("@");
        assertThat(doc.has("servers")).as("no server: clients use the document's own origin").isFalse();
        assertThat(doc.toString()).as("no vendor extensions").doesNotContain("\"x-");

        Set<String> served = servedOperations();
        assertThat(served).contains(WEBHOOK, "GET /customers", "GET /");
        assertThat(operations(doc).keySet()).as("every operation served, and nothing else, is described").containsExactlyInAnyOrderElementsOf(served);
    }

    @Test
    void everyOperationHasItsParametersBodiesAnswersAndSecurity() {
        JsonNode doc = document();
        JsonNode schemas = doc.path("components").path("schemas");
        operations(doc).forEach((name, op) -> {
            assertThat(op.path("summary").asText()).as("%s: summary", name).isNotBlank();
            List<String> codes = new ArrayList<>();
            op.path("responses").fieldNames().forEachRemaining(codes::add);
            assertThat(codes).as("%s: a 2xx answer", name).anyMatch(c -> c.startsWith("2"));
            assertThat(codes).as("%s: a 4xx answer", name).anyMatch(c -> c.startsWith("4"));
            op.path("responses").fields().forEachRemaining(response -> {
                String ref = response.getValue().path("content").path("application/json").path("schema").path("$ref").asText();
                assertThat(response.getValue().path("description").asText()).as("%s %s: description", name, response.getKey()).isNotBlank();
                if (response.getKey().startsWith("2")) {
                    assertThat(ref).as("%s %s: a success envelope", name, response.getKey()).endsWith("Envelope").doesNotEndWith("/ErrorEnvelope");
                    assertThat(schemas.path(ref.substring(ref.lastIndexOf('/') + 1)).path("properties").path("status").path("enum").toString())
                            .as("%s %s: status success", name, response.getKey()).isEqualTo("[\"success\"]");
                } else {
                    assertThat(ref).as("%s %s: the error envelope", name, response.getKey()).isEqualTo("#/components/schemas/ErrorEnvelope");
                }
            });
            Matcher pathParams = PATH_PARAM.matcher(name);
            while (pathParams.find()) {
                assertThat(parameter(op, "path", pathParams.group(1)).path("schema").path("type").asText())
                        .as("%s: path parameter %s", name, pathParams.group(1)).isIn("integer", "string");
            }
            op.path("parameters").forEach(p -> {
                assertThat(p.path("description").asText()).as("%s: %s described", name, p.path("name").asText()).isNotBlank();
                // required besides path parameters: the webhook's signature, and the search's query
                if (!"path".equals(p.path("in").asText()) && !List.of("Stripe-Signature", "q").contains(p.path("name").asText())) {
                    assertThat(p.path("required").asBoolean()).as("%s: %s is optional", name, p.path("name").asText()).isFalse();
                }
            });
            if (WITH_BODY.contains(name)) {
                String ref = op.path("requestBody").path("content").path("application/json").path("schema").path("$ref").asText();
                assertThat(ref).as("%s: request schema", name).startsWith("#/components/schemas/");
                assertThat(schemas.has(ref.substring(ref.lastIndexOf('/') + 1))).as("%s: %s exists", name, ref).isTrue();
            } else {
                assertThat(op.has("requestBody")).as("%s takes no body", name).isFalse();
            }
            if (WEBHOOK.equals(name)) {
                assertThat(op.has("security")).as("the webhook's signature decides, not a token").isFalse();
                assertThat(parameter(op, "header", "Stripe-Signature").path("required").asBoolean()).isTrue();
            } else {
                assertThat(op.path("security").toString()).as("%s: the token", name).isEqualTo("[{\"bearerAuth\":[]},{\"basicAuth\":[]}]");
                assertThat(codes).as("%s: 401 without the token", name).contains("401");
            }
            assertThat(codes).as("%s: 429 over the rate", name).contains("429");
        });
        JsonNode schemes = doc.path("components").path("securitySchemes");
        assertThat(schemes.path("bearerAuth").path("scheme").asText()).isEqualTo("bearer");
        assertThat(schemes.path("basicAuth").path("scheme").asText()).isEqualTo("basic");
        assertThat(doc.has("security")).as("no global requirement: the webhook takes none").isFalse();
    }

    @Test
    void theEnvelopesAndTheBodiesAreDescribed() {
        JsonNode schemas = document().path("components").path("schemas");
        JsonNode error = schemas.path("ErrorEnvelope");
        assertThat(error.path("properties").path("status").path("enum").toString()).isEqualTo("[\"error\"]");
        assertThat(error.path("properties").path("message").path("type").asText()).isEqualTo("string");
        assertThat(error.path("properties").path("errors").path("items").path("$ref").asText()).isEqualTo("#/components/schemas/FieldError");
        assertThat(error.path("properties").has("data")).isTrue();
        assertThat(names(error.path("required"))).containsExactlyInAnyOrder("status", "message", "errors");
        assertThat(names(schemas.path("FieldError").path("required"))).containsExactlyInAnyOrder("field", "message");

        assertThat(names(schemas.path("CustomerCreate").path("required"))).containsExactlyInAnyOrder("name", "email");
        assertThat(schemas.path("CustomerCreate").path("properties").path("name").path("maxLength").asInt()).isEqualTo(255);
        assertThat(schemas.path("CustomerUpdate").has("required")).isFalse();
        assertThat(names(schemas.path("Customer").path("properties"))).contains("id", "name", "email", "stripe_customer_id", "is_active",
                "version", "created_at", "updated_at");
        // the choices the code accepts, as the description lists them
        assertThat(names(schemas.path("ConflictResolution").path("properties").path("resolution").path("enum")))
                .containsExactlyInAnyOrderElementsOf(ConflictResolver.RESOLUTIONS);
        assertThat(names(schemas.path("MismatchResolution").path("properties").path("direction").path("enum")))
                .containsExactlyInAnyOrderElementsOf(Mismatch.DIRECTIONS);
        assertThat(names(schemas.path("Mismatch").path("properties").path("kind").path("enum"))).containsExactlyInAnyOrderElementsOf(Mismatch.KINDS);
        assertThat(schemas.path("DeadLetterBulkReplay").path("properties").path("ids").path("maxItems").asInt()).isEqualTo(1000);
        assertThat(names(schemas.path("ReportStarted").path("allOf"))).isNotEmpty();
    }

    @Test
    void queryParametersCarryTheirTypesAndChoices() {
        Map<String, JsonNode> operations = operations(document());
        JsonNode limit = parameter(operations.get("GET /customers"), "query", "limit");
        assertThat(limit.path("schema").path("type").asText()).isEqualTo("integer");
        assertThat(limit.path("description").asText()).contains("1 to 1000");
        JsonNode report = operations.get("GET /admin/reconciliation/reports/{id}");
        assertThat(names(parameter(report, "query", "kind").path("schema").path("enum"))).containsExactlyInAnyOrderElementsOf(Mismatch.KINDS);
        assertThat(names(parameter(report, "query", "status").path("schema").path("enum"))).containsExactlyInAnyOrderElementsOf(Mismatch.STATUSES);
        assertThat(names(parameter(operations.get("GET /admin/conflicts"), "query", "status").path("schema").path("enum")))
                .containsExactlyInAnyOrder("open", "auto_resolved", "resolved");
        assertThat(names(parameter(operations.get("GET /admin/dlq"), "query", "status").path("schema").path("enum")))
                .containsExactlyInAnyOrder("open", "replayed", "discarded");
        assertThat(parameter(operations.get("POST /admin/reconciliation/run"), "query", "dry_run").path("schema").path("type").asText())
                .isEqualTo("boolean");
        // the query's choices are what the API itself accepts and refuses
        assertThat(http().get("/admin/dlq?status=open&limit=1").status()).isEqualTo(200);
        assertThat(http().get("/admin/dlq?status=lost").status()).isEqualTo(400);
    }

    @Test
    void swaggerUiIsServedAtDocsAndShowsTheDocument() {
        for (String path : List.of("/docs", "/docs/")) {
            Http.Reply page = http().get(path);
            assertThat(page.status()).as(path).isEqualTo(200);
            assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
            assertThat(page.body()).contains("swagger-ui", "/docs/swagger-ui-bundle.js", "/docs/swagger-initializer.js");
        }
        Http.Reply bundle = http().get("/docs/swagger-ui-bundle.js");
        assertThat(bundle.status()).isEqualTo(200);
        assertThat(bundle.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("javascript"));
        assertThat(bundle.body()).contains("SwaggerUIBundle").hasSizeGreaterThan(100_000);
        Http.Reply initializer = http().get("/docs/swagger-initializer.js");
        assertThat(initializer.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).contains("javascript"));
        assertThat(initializer.body()).contains("/openapi.json").doesNotContain("petstore");
        assertThat(http().get("/docs/swagger-ui.css").headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/css"));
        assertThat(http().get("/docs/favicon-32x32.png").headers().firstValue("Content-Type")).hasValue("image/png");
        // a browser sends the token as Basic's password: the page and what it loads open that way
        String basic = "Basic " + Base64.getEncoder().encodeToString(("browser:" + API_TOKEN).getBytes(StandardCharsets.UTF_8));
        assertThat(http().withAuthorization(basic).get("/docs").status()).isEqualTo(200);
        assertThat(http().withAuthorization(basic).get("/openapi.json").status()).isEqualTo(200);

        for (String missing : List.of("/docs/nothing.js", "/docs/swagger-ui.js.map", "/docs/..%2Fapplication.yaml", "/docsify")) {
            Http.Reply reply = http().get(missing);
            assertThat(reply.status()).as(missing).isEqualTo(404);
            assertThat(reply.json().path("status").asText()).isEqualTo("error");
        }
        assertThat(http().post("/docs", "{}").status()).isEqualTo(405);
    }

    @Test
    void theDocumentAndTheUiAskForTheTokenLikeEveryOtherPath() {
        Http anonymous = http().withoutToken();
        for (String path : List.of("/openapi.json", "/docs", "/docs/", "/docs/swagger-ui-bundle.js", "/docs/swagger-initializer.js")) {
            Http.Reply reply = anonymous.get(path);
            assertThat(reply.status()).as(path).isEqualTo(401);
            assertThat(reply.headers().firstValue("WWW-Authenticate")).as(path).hasValueSatisfying(v -> assertThat(v).startsWith("Basic"));
            assertThat(reply.json().path("status").asText()).isEqualTo("error");
        }
        assertThat(http().withAuthorization("Bearer not-the-token-at-all-0000").get("/openapi.json").status()).isEqualTo(401);
    }

    @Test
    void theWebhookStillTakesSignedRawBytesWithoutATokenInItsOwnRoute() throws Exception {
        long before = camelContext.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute("webhook-stripe-receive").getExchangesCompleted();
        String body = StripeEvents.event("customer.created", StripeEvents.customer("cus_doc" + UUID.randomUUID().toString().substring(0, 8),
                "Zoë Ångström ☃", "zoe-" + UUID.randomUUID() + "@example.com", null), null, Instant.now().getEpochSecond(), null);
        Http.Reply reply = new StripeEvents(http().withoutToken(), WEBHOOK_SECRET).post(body);
        assertThat(reply.status()).as(reply.body()).isEqualTo(200);
        assertThat(reply.json().path("data").path("status").asText()).isEqualTo("pending");
        assertThat(count("select count(*) from webhook_events where id = ?", StripeEvents.idOf(body))).isEqualTo(1);
        assertThat(camelContext.getCamelContextExtension().getContextPlugin(ManagedCamelContext.class)
                .getManagedRoute("webhook-stripe-receive").getExchangesCompleted()).as("webhook-stripe-receive did the work").isGreaterThan(before);
        assertThat(new StripeEvents(http().withoutToken(), WEBHOOK_SECRET).post(body, "t=1,v1=00").status()).isEqualTo(400);
        assertThat(http().get("/webhooks/stripe").status()).as("POST only").isEqualTo(405);
    }

    private static JsonNode parameter(JsonNode operation, String in, String name) {
        for (JsonNode p : operation.path("parameters")) {
            if (in.equals(p.path("in").asText()) && name.equals(p.path("name").asText())) {
                return p;
            }
        }
        throw new AssertionError("no " + in + " parameter " + name + " in " + operation.path("operationId").asText());
    }

    /** The field names of an object, or the texts of an array. */
    private static List<String> names(JsonNode node) {
        List<String> names = new ArrayList<>();
        if (node.isObject()) {
            node.fieldNames().forEachRemaining(names::add);
        } else {
            node.forEach(n -> names.add(n.isTextual() ? n.asText() : n.toString()));
        }
        return names;
    }
}
