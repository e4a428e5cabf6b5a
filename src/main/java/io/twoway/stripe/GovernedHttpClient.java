package io.twoway.stripe;

import com.stripe.exception.ApiConnectionException;
import io.micrometer.core.instrument.MeterRegistry;
import com.stripe.net.HttpClient;
import com.stripe.net.HttpHeaders;
import com.stripe.net.StripeRequest;
import com.stripe.net.StripeResponse;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Outward sync: stripe-java's HTTP transport, on the JDK's HTTP client, with the rate governor in front of every
 * request (retries included), so the budget holds whichever code path calls Stripe, and a 429 slows every sender
 * down, not just the one that saw it.
 *
 * <p>stripe-java's own {@code HttpURLConnectionClient} rebuilt its {@code X-Stripe-Client-User-Agent} header on every
 * request, reading Gson's version from a resource on the class path: inside the service's jar that look-up was most
 * of the CPU the sync spent per request. The header does not change while the process runs, so it is built once.
 */
public class GovernedHttpClient extends HttpClient {

    static final Duration DEFAULT_RATE_LIMIT_PAUSE = Duration.ofSeconds(1);

    private final RateGovernor governor;
    private final MeterRegistry meters;
    private final java.net.http.HttpClient http;
    private final String clientUserAgent = buildXStripeClientUserAgentString();

    public GovernedHttpClient(RateGovernor governor, Duration connectTimeout, MeterRegistry meters) {
        this.governor = governor;
        this.meters = meters;
        // HTTP/1.1 as stripe-java's own client speaks it; no redirects, as Stripe's API sends none
        this.http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(connectTimeout).followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
    }

    @Override
    public StripeResponse request(StripeRequest request) throws ApiConnectionException {
        RateGovernor.Permit permit;
        try {
            permit = governor.acquire();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiConnectionException("Interrupted before the request to Stripe (" + request.url() + ") was sent", e);
        }
        StripeResponse response = null;
        try {
            response = send(request);
            governor.answered(permit, System.nanoTime());
        } finally {
            // no answer (an I/O error, an interrupted sender): the request may still reach Stripe, so its place in the
            // window keeps the bound of its send time plus the margin
            meters.counter("twoway.stripe.calls", "operation", operation(request.method().name(), request.url().getPath()),
                    "outcome", outcome(response)).increment();
        }
        if (response.code() == 429) {
            governor.pause(retryAfter(response));
        }
        return response;
    }

    /** A metric tag for the call: the resource and what is done to it ({@code customers.update}, {@code events.list}). */
    static String operation(String method, String path) {
        String[] parts = path.replaceAll("^/+|/+$", "").split("/");
        if (parts.length < 2 || !parts[0].equals("v1")) {
            return "other";
        }
        String resource = parts[1];
        if (parts.length == 2) {
            return resource + (method.equals("POST") ? ".create" : ".list");
        }
        if (parts.length == 3 && !parts[2].equals("search")) {
            return resource + switch (method) {
                case "GET" -> ".retrieve";
                case "DELETE" -> ".delete";
                default -> ".update";
            };
        }
        return resource + ".other";
    }

    private static String outcome(StripeResponse response) {
        if (response == null) {
            return "io_error";
        }
        int code = response.code();
        return code == 429 ? "rate_limited" : code < 300 ? "success" : code < 500 ? "client_error" : "server_error";
    }

    private StripeResponse send(StripeRequest request) throws ApiConnectionException {
        HttpRequest.Builder builder;
        try {
            builder = HttpRequest.newBuilder(request.url().toURI());
        } catch (URISyntaxException e) {
            throw new ApiConnectionException("Invalid Stripe URL " + request.url(), e);
        }
        Integer readTimeout = request.options().getReadTimeout();
        if (readTimeout != null && readTimeout > 0) {
            builder.timeout(Duration.ofMillis(readTimeout));
        }
        builder.header("User-Agent", buildUserAgentString(request)).header("X-Stripe-Client-User-Agent", clientUserAgent);
        request.headers().map().forEach((name, values) -> values.forEach(value -> builder.header(name, value)));
        if (request.content() == null) {
            builder.method(request.method().name(), HttpRequest.BodyPublishers.noBody());
        } else {
            builder.header("Content-Type", request.content().contentType())
                    .method(request.method().name(), HttpRequest.BodyPublishers.ofByteArray(request.content().byteArrayContent()));
        }
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            Map<String, List<String>> headers = response.headers().map();
            return new StripeResponse(response.statusCode(), HttpHeaders.of(headers), response.body());
        } catch (IOException e) {
            throw new ApiConnectionException("IOException during API request to Stripe (" + request.url() + "): " + e.getMessage()
                    + ". Please check your internet connection and try again.", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiConnectionException("Interrupted during API request to Stripe (" + request.url() + ")", e);
        }
    }

    static Duration retryAfter(StripeResponse response) {
        return response.headers().firstValue("Retry-After").map(value -> {
            try {
                return Duration.ofMillis(Math.round(Double.parseDouble(value.trim()) * 1000));
            } catch (NumberFormatException e) {
                return DEFAULT_RATE_LIMIT_PAUSE;
            }
        }).filter(d -> !d.isNegative()).orElse(DEFAULT_RATE_LIMIT_PAUSE);
    }
}
