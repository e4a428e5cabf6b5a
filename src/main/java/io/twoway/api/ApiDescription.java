package io.twoway.api;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.media.Schema;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.apache.camel.Processor;
import org.apache.camel.openapi.BeanConfig;
import org.apache.camel.openapi.DefaultRestDefinitionsResolver;
import org.apache.camel.openapi.OpenApiHelper;
import org.apache.camel.openapi.RestOpenApiReader;
import org.apache.camel.openapi.RestOpenApiSupport;
import org.apache.camel.spi.RestApiProcessorFactory;
import org.apache.camel.spi.RestConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * HTTP API: {@code GET /openapi.json}, the API description (route {@code api-docs-serve-openapi}, Camel's REST API
 * context). camel-openapi-java reads it from the REST DSL with the {@code camel.rest.api-property} settings, as its own
 * processor does, with one difference: the document names no server. camel-openapi-java would name
 * {@code http://<bind address>}, {@code http://0.0.0.0} here, where Swagger UI's "Try it out" cannot reach the service;
 * with none, clients use the document's own origin (OpenAPI's default server {@code /}). It is built at the first
 * request, once, so a mistake in the description never stops the service from starting.
 */
@Component
public class ApiDescription implements RestApiProcessorFactory {

    private static final Logger LOG = LoggerFactory.getLogger(ApiDescription.class);

    @Override
    public Processor createApiProcessor(CamelContext camelContext, String contextPath, RestConfiguration configuration,
                                        Map<String, Object> parameters) {
        Map<String, Object> options = new HashMap<>(parameters);
        if (configuration.getApiProperties() != null) {
            options.putAll(configuration.getApiProperties());
        }
        BeanConfig config = new BeanConfig();
        new RestOpenApiSupport().initOpenApi(config, options);
        config.setSchemes(null);
        return new Document(camelContext, config, configuration.isApiVendorExtension());
    }

    /** Answers with the document, rendered once. */
    static final class Document implements Processor {
        private final CamelContext camelContext;
        private final BeanConfig config;
        private final boolean vendorExtensions;
        private volatile byte[] json;

        Document(CamelContext camelContext, BeanConfig config, boolean vendorExtensions) {
            this.camelContext = camelContext;
            this.config = config;
            this.vendorExtensions = vendorExtensions;
        }

        @Override
        public void process(Exchange exchange) {
            Message out = exchange.getMessage();
            byte[] body;
            try {
                body = json();
            } catch (Exception e) {
                LOG.error("The API description cannot be built from the REST DSL [correlationId={}]",
                        out.getHeader(ApiHttpServer.CORRELATION_HEADER), e);
                out.setHeader(Exchange.HTTP_RESPONSE_CODE, 500);
                out.setHeader(Exchange.CONTENT_TYPE, "application/json");
                out.setBody(ApiResponses.errorJson("The API description cannot be built; the log says why", List.of()));
                return;
            }
            out.setHeader(Exchange.CONTENT_TYPE, "application/json");
            out.setBody(body);
        }

        private byte[] json() throws Exception {
            byte[] rendered = json;
            if (rendered == null) {
                synchronized (this) {
                    rendered = json;
                    if (rendered == null) {
                        OpenAPI openApi = new RestOpenApiReader().read(camelContext,
                                new DefaultRestDefinitionsResolver().getRestDefinitions(camelContext, null), config, camelContext.getName(),
                                camelContext.getClassResolver());
                        if (!vendorExtensions) {
                            OpenApiHelper.clearVendorExtensions(openApi);
                            if (openApi.getComponents() != null && openApi.getComponents().getSchemas() != null) {
                                Set<Schema<?>> seen = Collections.newSetFromMap(new IdentityHashMap<>());
                                openApi.getComponents().getSchemas().values().forEach(schema -> clearExtensions(schema, seen));
                            }
                        }
                        rendered = RestOpenApiSupport.getFromOpenAPI(openApi, config, byte[].class, true);
                        if (rendered.length == 0) {
                            throw new IllegalStateException("the OpenAPI model did not serialize to JSON");
                        }
                        json = rendered;
                    }
                }
            }
            return rendered;
        }

        /** camel-openapi-java clears its x-className from the schemas, not from their properties (an Object-typed one carries it). */
        @SuppressWarnings("rawtypes")
        private static void clearExtensions(Schema<?> schema, Set<Schema<?>> seen) {
            if (schema == null || !seen.add(schema)) {
                return;
            }
            if (schema.getExtensions() != null) {
                schema.getExtensions().clear();
            }
            if (schema.getProperties() != null) {
                schema.getProperties().values().forEach(property -> clearExtensions(property, seen));
            }
            clearExtensions(schema.getItems(), seen);
            if (schema.getAdditionalProperties() instanceof Schema<?> additional) {
                clearExtensions(additional, seen);
            }
            for (List<Schema> composed : Arrays.asList(schema.getAllOf(), schema.getAnyOf(), schema.getOneOf())) {
                if (composed != null) {
                    composed.forEach(part -> clearExtensions(part, seen));
                }
            }
        }
    }
}
