package io.twoway.faults;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.TimeUnit;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListTopicsOptions;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Exit;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.metadata.storage.Formatter;
import org.apache.kafka.server.common.MetadataVersion;

/**
 * A single-node KRaft Kafka broker (combined broker and controller) in this JVM, on fixed loopback ports and a log
 * directory that outlives {@link #stop()}: {@link #start()} brings back the same broker (same cluster id, node id and
 * port) with its topics, messages and committed offsets, and clients connected before the stop reconnect by
 * themselves. {@link #close()} stops it and deletes the directory.
 */
public final class RestartableKafka implements AutoCloseable {

    private static final int NODE_ID = 1;
    private static final String CONTROLLER = "CONTROLLER";

    static {
        FaultLogging.quietInfrastructure();
        // a broker's fatal fault handler halts the JVM (the test JVM here): say so before it happens, or the build
        // only reports a fork that ended without saying goodbye
        Exit.setHaltProcedure((code, message) -> {
            System.err.println("RestartableKafka: the in-process Kafka broker halts this JVM with " + code + ": " + message);
            new Throwable("Kafka halt").printStackTrace();
            System.err.flush();
            Runtime.getRuntime().halt(code);
        });
        Exit.setExitProcedure((code, message) -> {
            System.err.println("RestartableKafka: the in-process Kafka broker exits this JVM with " + code + ": " + message);
            new Throwable("Kafka exit").printStackTrace();
            System.err.flush();
            System.exit(code);
        });
    }

    private final FaultDirectory claimed;
    private final Path directory;
    private final int port;
    private final int controllerPort;
    private final Properties settings;
    private KafkaRaftServer server;

    /** Picks free ports, formats a fresh log directory under {@code target/faults/kafka-<n>}, and starts the broker. */
    public RestartableKafka() {
        this(Map.of());
    }

    /** As {@link #RestartableKafka()}, with broker settings added to (or replacing) the defaults. */
    public RestartableKafka(Map<String, String> overrides) {
        int[] ports = TwowayProcess.freePorts(2);
        this.port = ports[0];
        this.controllerPort = ports[1];
        this.claimed = FaultDirectory.claim("kafka");
        this.directory = claimed.path;
        Properties p = new Properties();
        p.put("process.roles", "broker,controller");
        p.put("node.id", String.valueOf(NODE_ID));
        p.put("controller.quorum.voters", NODE_ID + "@127.0.0.1:" + controllerPort);
        p.put("listeners", "PLAINTEXT://127.0.0.1:" + port + "," + CONTROLLER + "://127.0.0.1:" + controllerPort);
        p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT," + CONTROLLER + ":PLAINTEXT");
        p.put("controller.listener.names", CONTROLLER);
        p.put("inter.broker.listener.name", "PLAINTEXT");
        p.put("log.dirs", directory.toString());
        p.put("offsets.topic.replication.factor", "1");
        p.put("offsets.topic.num.partitions", "5");
        p.put("transaction.state.log.replication.factor", "1");
        p.put("transaction.state.log.min.isr", "1");
        p.put("transaction.state.log.num.partitions", "5");
        p.put("group.initial.rebalance.delay.ms", "0");
        p.put("group.min.session.timeout.ms", "1000");
        p.put("auto.create.topics.enable", "true");
        p.put("num.partitions", "1");
        p.put("default.replication.factor", "1");
        p.put("min.insync.replicas", "1");
        p.put("controller.quorum.election.timeout.ms", "1000");
        p.put("controller.quorum.fetch.timeout.ms", "2000");
        p.put("broker.heartbeat.interval.ms", "500");
        p.put("broker.session.timeout.ms", "3000");
        p.put("log.segment.bytes", String.valueOf(16 * 1024 * 1024));
        p.put("num.network.threads", "2");
        p.put("num.io.threads", "4");
        p.put("num.recovery.threads.per.data.dir", "1");
        p.put("log.cleaner.dedupe.buffer.size", String.valueOf(2 * 1024 * 1024));
        p.putAll(overrides);
        this.settings = p;
        try {
            format();
            start();
        } catch (RuntimeException e) {
            claimed.close();
            throw e;
        }
    }

    /** {@code 127.0.0.1:<port>}, the same across restarts. */
    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public Path directory() {
        return directory;
    }

    public synchronized boolean isRunning() {
        return server != null;
    }

    /** Starts the broker on its ports and data (no-op when running); returns once it answers a metadata request. */
    public synchronized void start() {
        if (server != null) {
            return;
        }
        // a new config for each incarnation: a server registers itself with its config's dynamic-config state
        KafkaRaftServer s = new KafkaRaftServer(new KafkaConfig(settings, false), Time.SYSTEM);
        try {
            s.startup();
        } catch (RuntimeException e) {
            shutdownQuietly(s);
            throw new IllegalStateException("cannot start Kafka on " + bootstrapServers(), e);
        }
        server = s;
        awaitReady(Duration.ofSeconds(30));
    }

    /** Stops the broker: its listeners close (clients see connection refused), data stays for {@link #start()}. */
    public synchronized void stop() {
        if (server == null) {
            return;
        }
        KafkaRaftServer s = server;
        server = null;
        s.shutdown();
        s.awaitShutdown();
    }

    /** Stops it, then starts it again on the same port and data. */
    public void restart() {
        stop();
        start();
    }

    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            claimed.close();
        }
    }

    private void format() {
        try {
            new Formatter()
                    .setPrintStream(new PrintStream(OutputStream.nullOutputStream()))
                    .setNodeId(NODE_ID)
                    .setClusterId(Uuid.randomUuid().toString())
                    .setDirectories(List.of(directory.toString()))
                    .setMetadataLogDirectory(new KafkaConfig(settings, false).metadataLogDir())
                    .setControllerListenerName(CONTROLLER)
                    .setReleaseVersion(MetadataVersion.LATEST_PRODUCTION)
                    .run();
        } catch (Exception e) {
            throw new IllegalStateException("cannot format Kafka storage in " + directory, e);
        }
    }

    private void awaitReady(Duration timeout) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "3000");
        long deadline = System.nanoTime() + timeout.toNanos();
        try (Admin admin = Admin.create(p)) {
            while (true) {
                try {
                    if (!admin.describeCluster().nodes().get(3, TimeUnit.SECONDS).isEmpty() && allPartitionsLed(admin)) {
                        return;
                    }
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka on " + bootstrapServers() + " has partitions without a leader after " + timeout);
                    }
                } catch (ExecutionException | TimeoutException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("Kafka on " + bootstrapServers() + " did not get ready in " + timeout, e);
                    }
                }
                Thread.sleep(50);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Whether every partition (internal topics included) has its leader again: the broker serves them all. */
    private static boolean allPartitionsLed(Admin admin) throws ExecutionException, InterruptedException, TimeoutException {
        Set<String> topics = admin.listTopics(new ListTopicsOptions().listInternal(true)).names().get(3, TimeUnit.SECONDS);
        if (topics.isEmpty()) {
            return true;
        }
        Map<String, TopicDescription> descriptions = admin.describeTopics(topics).allTopicNames().get(3, TimeUnit.SECONDS);
        return descriptions.values().stream()
                .flatMap(d -> d.partitions().stream())
                .allMatch(p -> p.leader() != null && !p.leader().isEmpty());
    }

    private static void shutdownQuietly(KafkaRaftServer s) {
        try {
            s.shutdown();
            s.awaitShutdown();
        } catch (RuntimeException ignored) {
            // already failing
        }
    }
}
