package io.twoway.stripe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.twoway.testsupport.IntegrationTest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.OptionalDouble;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerEventNotifierService;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifier;
import org.apache.camel.component.micrometer.eventnotifier.MicrometerExchangeEventNotifierNamingStrategyDefault;
import org.apache.camel.spi.CamelEvent;
import org.apache.camel.spi.EventNotifier;
import org.apache.camel.spi.ManagementStrategy;
import org.apache.camel.support.SimpleEventNotifierSupport;
import org.apache.camel.support.service.ServiceHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * The {@code camel.exchanges.inflight} gauge across a restart of {@code stripe-customer-sync}.
 * <p>
 * In Camel 4.17 that gauge is not the route policy's (MicrometerRoutePolicy registers a timer and counters, no
 * gauge): it is registered by {@link MicrometerExchangeEventNotifier}, which {@code camel.metrics.enable-exchange-event-notifier:
 * false} turns off. As configured, the service has no such gauge at all, before or after a restart, and the route
 * policy's meters keep counting after one. With the notifier on (installed here as the starter's auto-configuration
 * does it), a stopped and started route fires RouteAddedEvent again, the notifier registers the gauge again, and
 * Micrometer keeps the first gauge (the "already registered" warning): that gauge reads the in-flight count by route
 * id from the context's InflightRepository, so it still reports the route's real in-flight count, then 0.
 */
class InflightGaugeTest extends IntegrationTest {

    private static final String ROUTE = "stripe-customer-sync";
    private static final String INFLIGHT = "camel.exchanges.inflight";
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Pattern PROMETHEUS_INFLIGHT = Pattern.compile(
            "^camel_exchanges_inflight\\{[^}]*routeId=\"" + ROUTE + "\"[^}]*}\\s+(\\S+)", Pattern.MULTILINE);

    @Autowired
    private CamelContext camel;

    @Autowired
    private MeterRegistry meters;

    /** What a test added to the shared context, taken away after it. */
    private final List<Runnable> undo = new ArrayList<>();

    @AfterEach
    void restore() throws Exception {
        stripe.clearFaults();
        camel.getRouteController().startRoute(ROUTE);
        for (int i = undo.size() - 1; i >= 0; i--) {
            undo.get(i).run();
        }
        undo.clear();
    }

    private static String email() {
        return "inflight-" + UUID.randomUUID() + "@example.com";
    }

    private void restartRoute() throws Exception {
        camel.getRouteController().stopRoute(ROUTE);
        camel.getRouteController().startRoute(ROUTE);
        assertThat(camel.getRouteController().getRouteStatus(ROUTE).isStarted()).isTrue();
    }

    private boolean synced(long id) {
        return jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, id) != null;
    }

    private Collection<Gauge> inflightGauges() {
        return meters.find(INFLIGHT).tag("routeId", ROUTE).gauges();
    }

    private String prometheus() {
        var reply = management().get("/actuator/prometheus");
        assertThat(reply.status()).isEqualTo(200);
        return reply.body();
    }

    /** The value on the {@code camel_exchanges_inflight{…routeId="stripe-customer-sync"…}} line, if there is one. */
    private OptionalDouble prometheusInflight() {
        Matcher m = PROMETHEUS_INFLIGHT.matcher(prometheus());
        return m.find() ? OptionalDouble.of(Double.parseDouble(m.group(1))) : OptionalDouble.empty();
    }

    private long routePolicyCount() {
        return meters.find("camel.route.policy").tag("routeId", ROUTE).timers().stream().mapToLong(Timer::count).sum();
    }

    @Test
    void asConfiguredThereIsNoInflightGaugeAndTheRoutePolicyKeepsCountingAfterARestart() throws Exception {
        assertThat(meters.find(INFLIGHT).meters()).as("the exchange event notifier is off").isEmpty();
        assertThat(prometheus()).doesNotContain("camel_exchanges_inflight");

        long before = routePolicyCount();
        restartRoute();
        assertThat(meters.find(INFLIGHT).meters()).isEmpty();
        assertThat(prometheus()).doesNotContain("camel_exchanges_inflight");

        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ids.add(http().createCustomer("Policy " + i, email()));
        }
        await().atMost(WAIT).until(() -> ids.stream().allMatch(this::synced));
        await().atMost(WAIT).untilAsserted(() -> assertThat(routePolicyCount())
                .as("the route policy's timer for the restarted route still counts").isGreaterThanOrEqualTo(before + ids.size()));
        assertThat(meters.find("camel.route.policy").tag("routeId", ROUTE).timers()).hasSize(1);
        assertThat(prometheus().lines().filter(l -> l.startsWith("camel_route_policy_seconds_count{") && l.contains("routeId=\"" + ROUTE + "\"")))
                .hasSize(1);
    }

    @Test
    void withTheExchangeNotifierOnTheGaugeKeptAfterARestartReportsTheRealInflightCount() throws Exception {
        installExchangeEventNotifier();
        RouteAddedCounter added = listenForRouteAdded();

        Collection<Gauge> registered = inflightGauges();
        assertThat(registered).hasSize(1);
        Gauge first = registered.iterator().next();
        await().atMost(WAIT).until(() -> first.value() == 0 && camel.getInflightRepository().size(ROUTE) == 0);

        restartRoute();
        assertThat(added.count.get()).as("a started route is 'added' again: the notifier registers its gauge again").isEqualTo(1);
        assertThat(inflightGauges()).as("Micrometer kept the first registration").singleElement().isSameAs(first);

        // the sandbox holds each create for a second (under the client's 1.5 s read timeout), so the consumers
        // (one per partition) have exchanges in flight while it does
        int customers = 9;
        stripe.delayNext("POST", "/v1/customers", customers, Duration.ofSeconds(1));
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < customers; i++) {
            ids.add(http().createCustomer("Inflight " + i, email()));
        }

        AtomicInteger maxSeen = new AtomicInteger();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            int repository = camel.getInflightRepository().size(ROUTE);
            double gauge = first.value();
            maxSeen.accumulateAndGet((int) gauge, Math::max);
            return gauge > 0 && gauge == repository && gauge == camel.getInflightRepository().size(ROUTE);
        });
        await().atMost(WAIT).pollInterval(Duration.ofMillis(20)).until(() -> {
            OptionalDouble scraped = prometheusInflight();
            return scraped.isPresent() && scraped.getAsDouble() > 0;
        });

        await().atMost(WAIT).until(() -> ids.stream().allMatch(this::synced));
        await().atMost(WAIT).until(() -> first.value() == 0 && camel.getInflightRepository().size(ROUTE) == 0);
        assertThat(prometheusInflight()).hasValue(0.0);
        assertThat(inflightGauges()).singleElement().isSameAs(first);
        System.out.println("InflightGaugeTest: most exchanges in flight on " + ROUTE + " seen by the gauge: " + maxSeen.get());
    }

    /** As CamelMetricsAutoConfiguration does when camel.metrics.enable-exchange-event-notifier is true (its default). */
    private void installExchangeEventNotifier() {
        ManagementStrategy management = camel.getManagementStrategy();
        boolean applicable = camel.getCamelContextExtension().isEventNotificationApplicable();
        boolean hadService = camel.hasService(MicrometerEventNotifierService.class) != null;
        List<EventNotifier> notifiersBefore = List.copyOf(management.getEventNotifiers());

        MicrometerExchangeEventNotifier notifier = new MicrometerExchangeEventNotifier();
        notifier.setCamelContext(camel);
        notifier.setMeterRegistry(meters);
        notifier.setNamingStrategy(new MicrometerExchangeEventNotifierNamingStrategyDefault(true));
        management.addEventNotifier(notifier);
        ServiceHelper.startService(notifier);

        undo.add(() -> {
            // the notifier and the route listener it adds to the context on start; stopping it removes its gauges
            management.getEventNotifiers().stream().filter(n -> !notifiersBefore.contains(n)).toList()
                    .forEach(management::removeEventNotifier);
            ServiceHelper.stopService(notifier);
            MicrometerEventNotifierService service = camel.hasService(MicrometerEventNotifierService.class);
            if (!hadService && service != null) {
                try {
                    camel.removeService(service);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
            List<Meter> left = meters.getMeters().stream()
                    .filter(m -> "CamelExchangeEvent".equals(m.getId().getTag("kind"))
                            || m.getId().getName().equals("camel.exchanges.last.timestamp"))
                    .toList();
            left.forEach(meters::remove);
            camel.getCamelContextExtension().setEventNotificationApplicable(applicable);
            assertThat(meters.find(INFLIGHT).meters()).isEmpty();
        });
    }

    private RouteAddedCounter listenForRouteAdded() {
        RouteAddedCounter counter = new RouteAddedCounter();
        ServiceHelper.startService(counter);
        camel.getManagementStrategy().addEventNotifier(counter);
        undo.add(() -> {
            camel.getManagementStrategy().removeEventNotifier(counter);
            ServiceHelper.stopService(counter);
        });
        return counter;
    }

    private static final class RouteAddedCounter extends SimpleEventNotifierSupport {
        final AtomicInteger count = new AtomicInteger();

        RouteAddedCounter() {
            setIgnoreExchangeEvents(true);
        }

        @Override
        public void notify(CamelEvent event) {
            if (event instanceof CamelEvent.RouteAddedEvent e && ROUTE.equals(e.getRoute().getRouteId())) {
                count.incrementAndGet();
            }
        }
    }
}
