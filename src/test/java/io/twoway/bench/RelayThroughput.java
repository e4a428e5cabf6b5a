package io.twoway.bench;

/**
 * Relay throughput, measured the same way for both relays: the relay idles on an empty outbox, N rows are committed
 * at once, and the clock runs from that commit until the last row (highest seq) is marked published.
 */
final class RelayThroughput {

    record Result(String relay, int batchSize, int events, double seconds, long kafkaRecords, long leftUnpublished) {
        double rate() {
            return events / seconds;
        }
    }

    private static final long TIMEOUT_MS = 600_000;
    static final long IDLE_MS = 1_500;

    private RelayThroughput() {}

    static Result camel(TwowayInstance app, int events, int customers) throws Exception {
        OutboxTable table = new OutboxTable(app.dataSource);
        table.truncate();
        long kafkaBefore = TopicOffsets.total(app.bootstrap, app.topic);
        app.startRelay();
        try {
            return timed("camel", app, table, app.topic, events, customers, kafkaBefore);
        } finally {
            app.stopRelay();
        }
    }

    static Result baseline(TwowayInstance app, String topic, int events, int customers) throws Exception {
        OutboxTable table = new OutboxTable(app.dataSource);
        table.truncate();
        long kafkaBefore = TopicOffsets.total(app.bootstrap, topic);
        try (BaselineRelay relay = new BaselineRelay(app.dataSource, app.bootstrap, topic, app.batchSize, app.pollIntervalMs)) {
            relay.start();
            return timed("baseline", app, table, topic, events, customers, kafkaBefore);
        }
    }

    private static Result timed(String relay, TwowayInstance app, OutboxTable table, String topic, int events, int customers,
                                long kafkaBefore) throws Exception {
        Thread.sleep(IDLE_MS); // past the scheduler's 1 s initial delay: the relay is idle-polling when the rows commit
        long lastSeq = table.seed(events, customers);
        long start = System.nanoTime();
        long end = table.awaitPublished(lastSeq, TIMEOUT_MS);
        double seconds = (end - start) / 1e9;
        long left = table.unpublished();
        long kafka = TopicOffsets.total(app.bootstrap, topic) - kafkaBefore;
        return new Result(relay, app.batchSize, events, seconds, kafka, left);
    }
}
