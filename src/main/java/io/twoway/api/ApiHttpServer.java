package io.twoway.api;

import io.twoway.config.Roles;
import io.twoway.config.TwowayProperties;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.PlatformHttpComponent;
import org.apache.camel.component.platform.http.PlatformHttpConstants;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpEngine;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServerConfiguration;
import org.apache.camel.http.base.HttpHeaderFilterStrategy;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * HTTP API: the server behind every REST and webhook route. Camel's platform-http runs on its Vert.x engine, on
 * {@code PORT}; Spring's Tomcat serves only the management endpoints (health, Prometheus), on {@code MANAGEMENT_PORT}.
 * The Spring MVC engine dispatched every request asynchronously onto a task executor and back through the whole filter
 * chain a second time; under load that cost more CPU than the request's own work (see the README's performance part).
 *
 * <p>The guard runs before any route, on the event loop: it assigns the correlation id ({@code X-Correlation-Id},
 * the client's when well-formed), asks for a token on every path but the webhooks (401 with a Basic challenge), holds
 * each caller to its request rate (429 with {@code Retry-After}), refuses form-encoded bodies (the API takes JSON), answers 413 for a declared body
 * length over the path's limit before the body is read, and serves a path with a trailing slash as the same path
 * without it. Requests no route takes, and failures outside a route, are answered in the error envelope.
 */
@Configuration(proxyBeanMethods = false)
public class ApiHttpServer {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHttpServer.class);

    public static final String CORRELATION_HEADER = "X-Correlation-Id";
    private static final Pattern CORRELATION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
    private static final String WEBHOOK_PATHS = "/webhooks/";
    /** The routing-context key of the body limit the guard chose for the request's path. */
    private static final String BODY_LIMIT = "twoway.bodyLimit";

    @Bean(PlatformHttpConstants.PLATFORM_HTTP_ENGINE_NAME)
    VertxPlatformHttpEngine platformHttpEngine() {
        return new VertxPlatformHttpEngine();
    }

    @Bean
    VertxPlatformHttpServer apiServer(TwowayProperties properties, AccessControl access) {
        VertxPlatformHttpServerConfiguration configuration = new VertxPlatformHttpServerConfiguration();
        configuration.setBindHost(properties.api().host());
        configuration.setBindPort(properties.api().port());
        // the largest body any path takes; the guard holds each path to its own limit
        configuration.setMaxBodySize((long) Math.max(properties.api().maxBodyBytes(), properties.webhook().maxBodyBytes()));
        return new GuardedServer(configuration, properties, access);
    }

    /** The platform-http server with the guard in front of its routes (a named class: Camel names its thread pool after it). */
    static final class GuardedServer extends VertxPlatformHttpServer {
        private final TwowayProperties properties;
        private final AccessControl access;

        GuardedServer(VertxPlatformHttpServerConfiguration configuration, TwowayProperties properties, AccessControl access) {
            super(configuration);
            this.properties = properties;
            this.access = access;
        }

        @Override
        protected void startServer() throws Exception {
            // the router exists, nothing listens yet
            guard(VertxPlatformHttpRouter.lookup(getCamelContext(), VertxPlatformHttpRouter.getRouterNameFromPort(getConfigurationPort())),
                    properties, access);
            super.startServer();
            // what no route takes, or what fails outside one, ends at the top router (the routes hang on a sub-router);
            // the server starts before any route does, so nothing is answered before these are in place
            errorsInEnvelope((Router) getServer().requestHandler(), properties);
        }
    }

    /**
     * Starts the server with the Camel context, before the routes that register on its router; only in a process with
     * the {@code api} role (a worker listens on the management port alone).
     */
    @Bean
    CamelContextConfiguration apiServerLifecycle(VertxPlatformHttpServer server, Roles roles) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                if (!roles.has(Roles.Role.API)) {
                    return;
                }
                camelContext.getComponent("platform-http", PlatformHttpComponent.class).setHeaderFilterStrategy(new ResponseHeaders());
                try {
                    camelContext.addService(server, true, true);
                } catch (Exception e) {
                    throw new IllegalStateException("cannot add the API server to the Camel context", e);
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                // nothing: the server started with the context
            }
        };
    }

    private static void guard(Router router, TwowayProperties properties, AccessControl access) {
        int maxBodyBytes = properties.api().maxBodyBytes();
        int maxWebhookBodyBytes = properties.webhook().maxBodyBytes();
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            HttpServerRequest request = ctx.request();
            String supplied = request.getHeader(CORRELATION_HEADER);
            String correlationId = supplied != null && CORRELATION_ID.matcher(supplied).matches() ? supplied : UUID.randomUUID().toString();
            // lower case: HTTP/2 (h2c, which the JDK's client asks for) takes no other header names
            request.headers().set(CORRELATION_HEADER.toLowerCase(Locale.ROOT), correlationId);
            ctx.response().putHeader(CORRELATION_HEADER, correlationId);
            boolean webhook = ctx.normalizedPath().startsWith(WEBHOOK_PATHS);
            // a webhook proves itself by its signature; every other path by a token
            String caller = webhook ? "address:" + request.remoteAddress().hostAddress()
                    : access.caller(request.getHeader(HttpHeaders.AUTHORIZATION)).orElse(null);
            if (caller == null) {
                // the presented credentials are never logged, only that they failed
                LOG.info("Authentication required: refused {} {} from {} [correlationId={}]", request.method(), request.path(),
                        request.remoteAddress().hostAddress(), correlationId);
                ctx.response().putHeader("WWW-Authenticate", AccessControl.CHALLENGE);
                refuse(ctx, 401, "Authentication required: send Authorization: Bearer <API_TOKEN>");
                return;
            }
            if (!access.admit(caller)) {
                ctx.response().putHeader(HttpHeaders.RETRY_AFTER, AccessControl.RETRY_AFTER_SECONDS);
                refuse(ctx, 429, "Too many requests: the limit is " + properties.api().rateLimit() + " per second");
                return;
            }
            if (isForm(request.getHeader(HttpHeaders.CONTENT_TYPE))) {
                // the HTTP binding would parse such a body as form fields: the API takes JSON only
                refuse(ctx, 400, "Content-Type must be application/json");
                return;
            }
            int limit = webhook ? maxWebhookBodyBytes : maxBodyBytes;
            String length = request.getHeader(HttpHeaders.CONTENT_LENGTH);
            if (length != null && parseLength(length) > limit) {
                tooLarge(ctx, limit);
                return;
            }
            String path = request.path();
            if (path.length() > 1 && path.endsWith("/")) {
                ctx.reroute(request.method(), path.substring(0, path.length() - 1) + (request.query() == null ? "" : "?" + request.query()));
                return;
            }
            // a body sent without a length is read up to the largest limit, and the API holds it to its own (ApiRequests.body)
            ctx.put(BODY_LIMIT, limit);
            ctx.next();
        });
    }

    private static void errorsInEnvelope(Router router, TwowayProperties properties) {
        router.errorHandler(404, ctx -> refuse(ctx, 404, "Not found"));
        router.errorHandler(405, ctx -> {
            String allow = ctx.response().headers().get(HttpHeaders.ALLOW);
            if (allow != null && allow.isBlank()) {
                ctx.response().headers().remove(HttpHeaders.ALLOW); // Vert.x sends an empty one for Camel's routes
            }
            refuse(ctx, 405, "Method " + ctx.request().method() + " is not allowed here");
        });
        router.errorHandler(413, ctx -> tooLarge(ctx, ctx.get(BODY_LIMIT, properties.webhook().maxBodyBytes())));
        router.errorHandler(500, ctx -> {
            LOG.error("Request failed outside a route: {} {} [correlationId={}]", ctx.request().method(), ctx.request().path(),
                    ctx.request().getHeader(CORRELATION_HEADER), ctx.failure());
            refuse(ctx, 500, "Internal server error");
        });
    }

    /**
     * Request headers reach the routes as usual; of the exchange's headers only these reach the client. Without the
     * list, every request header and query parameter was echoed back in the response.
     */
    static final class ResponseHeaders extends HttpHeaderFilterStrategy {
        private static final Set<String> SENT = Set.of("content-type", "retry-after", "location", "allow");

        @Override
        public boolean applyFilterToCamelHeaders(String name, Object value, org.apache.camel.Exchange exchange) {
            return !SENT.contains(name.toLowerCase(Locale.ROOT));
        }
    }

    private static long parseLength(String length) {
        try {
            return Long.parseLong(length.trim());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE;
        }
    }

    private static boolean isForm(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
    }

    private static void tooLarge(RoutingContext ctx, int limit) {
        ctx.response().putHeader(HttpHeaders.CONNECTION, "close");
        refuse(ctx, 413, "Request body is larger than " + limit + " bytes");
    }

    private static void refuse(RoutingContext ctx, int status, String message) {
        if (ctx.response().ended()) {
            return;
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(ApiResponses.errorJson(message, List.of()), StandardCharsets.UTF_8.name());
    }
}
