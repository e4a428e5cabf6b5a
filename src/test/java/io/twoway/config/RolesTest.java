package io.twoway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.twoway.testsupport.Http;
import io.twoway.testsupport.IntegrationTest;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.junit.jupiter.api.Test;
import org.quartz.Scheduler;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Scale-out: a process starts only the routes of its roles ({@code TWOWAY_ROLES}) and its readiness checks only what
 * they need. The test's own context holds every role; a worker and an API instance are started beside it.
 */
class RolesTest extends IntegrationTest {

    @Test
    void aWorkerRunsTheRelayAndTheSyncAndServesNoApi() throws Exception {
        try (ConfigurableApplicationContext worker = startAnotherInstance(Map.of("twoway.roles", "relay,sync"))) {
            CamelContext camel = worker.getBean(CamelContext.class);
            assertThat(status(camel, "outbox-relay")).isEqualTo(ServiceStatus.Started);
            assertThat(status(camel, "stripe-customer-sync")).isEqualTo(ServiceStatus.Started);
            for (String stopped : new String[] {"customer-create", "webhook-stripe-receive", "console-serve-page", "webhook-stripe-sweep", "metrics-history-sample",
                    "stripe-events-catchup", "outbox-prune", "webhook-stripe-prune", "backfill-resume", "reconcile-trigger"}) {
                assertThat(status(camel, stopped)).as(stopped).isNotEqualTo(ServiceStatus.Started);
            }
            assertThat(worker.getBean(Scheduler.class).isStarted()).as("the clustered Quartz scheduler").isFalse();
            // nothing listens for the API: the port the server would have is never bound
            int apiPort = worker.getBean(VertxPlatformHttpServer.class).getPort();
            assertThat(apiPort).isZero();

            JsonNode readiness = management(worker).get("/actuator/health/readiness").json();
            assertThat(components(readiness)).containsExactlyInAnyOrder("readinessState", "db", "kafka", "stripe", "relay");
            assertThat(readiness.path("status").asText()).isIn("UP", "DEGRADED");
        }
    }

    @Test
    void anApiInstanceServesTheApiAndLeavesTheWorkToTheWorkers() throws Exception {
        try (ConfigurableApplicationContext api = startAnotherInstance(Map.of("twoway.roles", "api"))) {
            CamelContext camel = api.getBean(CamelContext.class);
            assertThat(status(camel, "outbox-relay")).isNotEqualTo(ServiceStatus.Started);
            assertThat(status(camel, "stripe-customer-sync")).isNotEqualTo(ServiceStatus.Started);
            assertThat(status(camel, "stripe-events-catchup")).isNotEqualTo(ServiceStatus.Started);
            assertThat(status(camel, "webhook-stripe-sweep")).isEqualTo(ServiceStatus.Started);

            int apiPort = api.getBean(VertxPlatformHttpServer.class).getPort();
            Http http = new Http("http://localhost:" + apiPort, API_TOKEN);
            assertThat(http.get("/customers?limit=1").status()).isEqualTo(200);
            assertThat(components(management(api).get("/actuator/health/readiness").json())).containsExactlyInAnyOrder("readinessState", "db");
            assertThat(http.get("/admin/status").json().path("data").path("instance").path("roles").asText()).isEqualTo("api");
        }
    }

    @Test
    void theTestsInstanceHoldsEveryRole() {
        assertThat(components(management().get("/actuator/health/readiness").json()))
                .containsExactlyInAnyOrder("readinessState", "db", "kafka", "stripe", "relay");
    }

    @Test
    void anUnknownRoleStopsTheStart() {
        assertThatThrownBy(() -> startAnotherInstance(Map.of("twoway.roles", "api,worker")))
                .hasStackTraceContaining("TWOWAY_ROLES").hasStackTraceContaining("api, relay, sync, scheduler");
        assertThatThrownBy(() -> Roles.parse(" , ")).isInstanceOf(IllegalArgumentException.class);
        assertThat(Roles.parse(" Sync ,relay").toString()).isEqualTo("relay,sync");
    }

    private static ServiceStatus status(CamelContext camel, String routeId) {
        assertThat(camel.getRoute(routeId)).as("route %s exists", routeId).isNotNull();
        return camel.getRouteController().getRouteStatus(routeId);
    }

    private static List<String> components(JsonNode health) {
        List<String> names = new ArrayList<>();
        health.path("components").fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static Http management(ConfigurableApplicationContext context) {
        return new Http("http://localhost:" + ((WebServerApplicationContext) context).getWebServer().getPort(), API_TOKEN);
    }
}
