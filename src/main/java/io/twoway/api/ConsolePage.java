package io.twoway.api;

import io.vertx.core.http.HttpServerResponse;
import org.apache.camel.Exchange;
import org.apache.camel.component.platform.http.vertx.HttpMessage;
import org.springframework.stereotype.Component;

/**
 * Operator console: the page at {@code /console} (route {@code console-serve-page}), behind the token like every other
 * path. The page, its script and styles are Twoway's ({@code static/console/}); uPlot's script and styles for its charts
 * come from the {@code org.webjars.npm:uplot} jar, whose version is read from the jar itself.
 */
@Component("consolePage")
public class ConsolePage {

    static final String PATH = "/console";

    private final StaticFiles files = new StaticFiles(PATH, "console", "org.webjars.npm", "uplot", "dist/");

    /** {@code GET /console} is the page; {@code /console/<file>} one of its files. */
    public void serve(Exchange exchange) {
        files.serve(exchange);
        if (exchange.getIn() instanceof HttpMessage http) {
            // straight onto the response: the API's header filter (ApiHttpServer.ResponseHeaders) passes only its own few
            HttpServerResponse response = http.getResponse();
            // live data behind the token: no cache keeps it; its own files only, no inline script, nothing from elsewhere
            // (uPlot sets element styles, hence the style allowance)
            response.putHeader("Cache-Control", "no-store");
            response.putHeader("X-Content-Type-Options", "nosniff");
            response.putHeader("Content-Security-Policy",
                    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; frame-ancestors 'none'");
        }
    }
}
