package io.twoway.bench;

import io.twoway.TwowayApplication;
import io.twoway.testsupport.LocalInfrastructure;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;
import org.apache.camel.CamelContext;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpServer;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;

/** One running Twoway (SpringApplication) pointed at the local infrastructure, relay stopped, Stripe sync off. */
final class TwowayInstance implements AutoCloseable {

    /** The webhook signing secret the instance verifies {@code POST /webhooks/stripe} with. */
    static final String WEBHOOK_SECRET = "whsec_bench_twoway_local";

    final ConfigurableApplicationContext context;
    final CamelContext camel;
    final DataSource dataSource;
    final String topic;
    final String bootstrap;
    final int batchSize;
    final long pollIntervalMs;
    final int port;

    private TwowayInstance(ConfigurableApplicationContext context, String topic, String bootstrap, int batchSize, long pollIntervalMs) {
        this.context = context;
        this.camel = context.getBean(CamelContext.class);
        this.dataSource = context.getBean(DataSource.class);
        this.topic = topic;
        this.bootstrap = bootstrap;
        this.batchSize = batchSize;
        this.pollIntervalMs = pollIntervalMs;
        this.port = context.getBean(VertxPlatformHttpServer.class).getPort();
    }

    static TwowayInstance start(LocalInfrastructure infra, String topic, int batchSize, long pollIntervalMs) {
        List<String> args = new ArrayList<>();
        infra.properties().forEach((key, value) -> args.add("--" + key + "=" + value));
        args.add("--server.port=0");
        args.add("--server.address=127.0.0.1");
        args.add("--twoway.api.port=0");
        args.add("--twoway.api.host=127.0.0.1");
        args.add("--twoway.stripe.enabled=false");
        args.add("--twoway.outbox.relay-enabled=false");
        args.add("--twoway.outbox.batch-size=" + batchSize);
        args.add("--twoway.outbox.poll-interval-ms=" + pollIntervalMs);
        args.add("--twoway.kafka.customer-topic=" + topic);
        args.add("--twoway.kafka.dlq-topic=" + topic + "_dlq");
        args.add("--twoway.webhook.secret=" + WEBHOOK_SECRET);
        args.add("--twoway.api.tokens=" + ServiceLoad.API_TOKEN);
        args.add("--twoway.api.rate-limit=0");
        // the Jolokia agent would listen on 0.0.0.0:8778; the benchmark stays on loopback
        args.add("--camel.component.jolokia.enabled=false");
        args.add("--logging.level.root=WARN");
        args.add("--camel.main.shutdown-timeout=5");
        args.add("--spring.lifecycle.timeout-per-shutdown-phase=5s");
        ConfigurableApplicationContext context = new SpringApplication(TwowayApplication.class).run(args.toArray(String[]::new));
        return new TwowayInstance(context, topic, infra.kafka.getBrokersAsString(), batchSize, pollIntervalMs);
    }

    void startRelay() throws Exception {
        camel.getRouteController().startRoute("outbox-relay");
    }

    void stopRelay() throws Exception {
        camel.getRouteController().stopRoute("outbox-relay");
    }

    @Override
    public void close() {
        context.close();
    }
}
