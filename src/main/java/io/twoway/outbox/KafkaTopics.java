package io.twoway.outbox;

import io.twoway.config.TwowayProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.stereotype.Component;

/** Outward sync: creates the customer and dead-letter topics at start-up when they are missing. */
@Component
public class KafkaTopics implements InitializingBean {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);

    private final TwowayProperties.Kafka kafka;
    private final String salesforceDlqTopic;

    public KafkaTopics(TwowayProperties properties) {
        this.kafka = properties.kafka();
        this.salesforceDlqTopic = properties.salesforce().dlqTopic();
    }

    @Override
    public void afterPropertiesSet() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 60_000))) {
            Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (String topic : List.of(kafka.customerTopic(), kafka.dlqTopic(), salesforceDlqTopic)) {
                if (!existing.contains(topic)) {
                    missing.add(new NewTopic(topic, kafka.partitions(), kafka.replicationFactor()));
                }
            }
            if (!missing.isEmpty()) {
                try {
                    admin.createTopics(missing).all().get(60, TimeUnit.SECONDS);
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                    // another instance created it first
                }
                LOG.info("Created Kafka topics {} ({} partitions, replication {})", missing.stream().map(NewTopic::name).toList(),
                        kafka.partitions(), kafka.replicationFactor());
            }
        }
    }
}
