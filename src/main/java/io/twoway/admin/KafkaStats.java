package io.twoway.admin;

import io.twoway.config.TwowayProperties;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Operations: what Kafka's admin client says about Twoway's topics: partitions, end offsets, and each consumer
 * group's committed offsets and lag per partition. Nothing here is counted by hand.
 */
@Component
public class KafkaStats implements DisposableBean {

    private static final long TIMEOUT_SECONDS = 3;
    private static final Comparator<TopicPartition> BY_PARTITION = Comparator.comparing(TopicPartition::topic).thenComparingInt(TopicPartition::partition);

    private final Admin admin;
    private final List<String> topics;
    private final String syncGroup;

    public KafkaStats(TwowayProperties properties) {
        TwowayProperties.Kafka kafka = properties.kafka();
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS),
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(TIMEOUT_SECONDS),
                AdminClientConfig.CLIENT_ID_CONFIG, "twoway-admin"));
        this.topics = List.of(kafka.customerTopic(), kafka.dlqTopic());
        this.syncGroup = kafka.consumerGroup();
    }

    /** The broker answers: its node count. Throws when it does not answer within a few seconds. */
    public int ping() throws Exception {
        return admin.describeCluster().nodes().get(TIMEOUT_SECONDS, TimeUnit.SECONDS).size();
    }

    /** Topics with their partitions and end offsets, and every consumer group on them with its lag per partition. */
    public Map<String, Object> stats() throws Exception {
        Map<TopicPartition, Long> ends = endOffsets();
        Map<String, Object> out = new LinkedHashMap<>();
        List<Map<String, Object>> topicList = new ArrayList<>();
        for (String topic : topics) {
            Map<String, Object> t = new LinkedHashMap<>();
            t.put("topic", topic);
            List<Map<String, Object>> partitions = new ArrayList<>();
            ends.entrySet().stream().filter(e -> e.getKey().topic().equals(topic)).sorted(Map.Entry.comparingByKey(BY_PARTITION))
                    .forEach(e -> partitions.add(Map.of("partition", e.getKey().partition(), "end_offset", e.getValue())));
            t.put("partitions", partitions);
            t.put("messages_total", partitions.stream().mapToLong(p -> (Long) p.get("end_offset")).sum());
            topicList.add(t);
        }
        out.put("topics", topicList);
        List<Map<String, Object>> groups = new ArrayList<>();
        for (ConsumerGroupListing group : admin.listConsumerGroups().all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata()
                    .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            List<Map<String, Object>> lags = new ArrayList<>();
            long total = 0;
            List<Map.Entry<TopicPartition, OffsetAndMetadata>> mine = committed.entrySet().stream()
                    .filter(e -> topics.contains(e.getKey().topic()) && e.getValue() != null).sorted(Map.Entry.comparingByKey(BY_PARTITION)).toList();
            for (Map.Entry<TopicPartition, OffsetAndMetadata> c : mine) {
                long end = ends.getOrDefault(c.getKey(), c.getValue().offset());
                long lag = Math.max(0, end - c.getValue().offset());
                total += lag;
                lags.add(Map.of("topic", c.getKey().topic(), "partition", c.getKey().partition(), "committed_offset", c.getValue().offset(),
                        "end_offset", end, "lag", lag));
            }
            if (!lags.isEmpty()) {
                groups.add(Map.of("group", group.groupId(), "lag", total, "partitions", lags));
            }
        }
        out.put("consumer_groups", groups);
        return out;
    }

    /** The Stripe sync group's total lag on the customer topic; -1 when the group has committed nothing yet. */
    public long syncLag() throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(syncGroup).partitionsToOffsetAndMetadata()
                .get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        if (committed.isEmpty()) {
            return -1;
        }
        Map<TopicPartition, Long> ends = endOffsets();
        return committed.entrySet().stream().filter(e -> e.getValue() != null && ends.containsKey(e.getKey()))
                .mapToLong(e -> Math.max(0, ends.get(e.getKey()) - e.getValue().offset())).sum();
    }

    public String syncGroup() {
        return syncGroup;
    }

    private Map<TopicPartition, Long> endOffsets() throws Exception {
        Map<String, TopicDescription> described = admin.describeTopics(topics).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new LinkedHashMap<>();
        described.values().forEach(d -> d.partitions().forEach(p -> latest.put(new TopicPartition(d.name(), p.partition()), OffsetSpec.latest())));
        Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> offsets = admin.listOffsets(latest).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        Map<TopicPartition, Long> ends = new LinkedHashMap<>();
        offsets.forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    @Override
    public void destroy() {
        admin.close(Duration.ofSeconds(2));
    }
}
