package io.twoway.api;

import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * HTTP API: Swagger UI at {@code /docs} (route {@code api-docs-serve-ui}), behind the token like every other path. The
 * page and its initializer are Twoway's ({@code static/docs/}: they point at {@code /openapi.json}); the scripts, styles
 * and icons come from the {@code org.webjars:swagger-ui} jar.
 */
@Component("swaggerUi")
public class SwaggerUi {

    static final String PATH = "/docs";

    private final StaticFiles files = new StaticFiles(PATH, "docs", "org.webjars", "swagger-ui", "");

    public void serve(Exchange exchange) {
        files.serve(exchange);
    }
}
