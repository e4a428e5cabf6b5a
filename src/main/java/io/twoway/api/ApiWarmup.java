package io.twoway.api;

import io.twoway.config.ConditionalOnRole;
import io.twoway.config.Roles;
import io.twoway.config.TwowayProperties;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.stereotype.Component;

/**
 * HTTP API: before the service reports itself ready, it sends itself requests that change nothing (a list, a look-up
 * of an id that does not exist, a create that fails validation, the service description) through its own API port.
 * That loads and compiles the request path (the HTTP server, the guard, the routes, JSON, JDBC) before the first
 * client's request, which otherwise waited up to two seconds in the first seconds after a start. Spring reports the
 * service ready only once every runner has finished. {@code API_WARMUP_REQUESTS=0} turns it off.
 */
@Component
@ConditionalOnRole(Roles.Role.API)
public class ApiWarmup implements ApplicationRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ApiWarmup.class);
    private static final List<String> SAFE_GETS = List.of("/customers?limit=1", "/customers/" + Long.MAX_VALUE, "/");
    private static final String INVALID_CREATE = "{\"name\":\"\",\"email\":\"warm-up\"}";

    private final VertxPlatformHttpServer server;
    private final TwowayProperties properties;

    public ApiWarmup(VertxPlatformHttpServer server, TwowayProperties properties) {
        this.server = server;
        this.properties = properties;
    }

    @Override
    public void run(ApplicationArguments args) {
        int rounds = properties.api().warmupRequests();
        if (rounds <= 0) {
            return;
        }
        String host = properties.api().host();
        String base = "http://" + (host == null || host.isBlank() || host.equals("0.0.0.0") ? "127.0.0.1" : host) + ":" + server.getPort();
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();
        // its own token, so that the requests take the whole path a client's take (none when auth is disabled)
        String[] auth = properties.api().tokenList().stream().findFirst().map(t -> new String[] {"Authorization", "Bearer " + t}).orElse(new String[0]);
        long started = System.nanoTime();
        try {
            for (int i = 0; i < rounds; i++) {
                for (String path : SAFE_GETS) {
                    client.send(HttpRequest.newBuilder(URI.create(base + path)).headers(auth).timeout(Duration.ofSeconds(5)).build(),
                            HttpResponse.BodyHandlers.discarding());
                }
                client.send(HttpRequest.newBuilder(URI.create(base + "/customers")).headers(auth).timeout(Duration.ofSeconds(5))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(INVALID_CREATE)).build(),
                        HttpResponse.BodyHandlers.discarding());
            }
            LOG.info("API warm-up: {} rounds of requests that change nothing, in {} ms", rounds, (System.nanoTime() - started) / 1_000_000);
        } catch (Exception e) {
            // never a reason not to start: the first clients just meet a colder service
            LOG.warn("API warm-up stopped early: {}", e.toString());
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
