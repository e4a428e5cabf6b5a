package io.twoway.faults;

import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.jar.Manifest;

/**
 * The real Twoway ({@code io.twoway.TwowayApplication}) in a child JVM, so a test can end it without a graceful stop
 * ({@link #kill()}: SIGKILL) or let it halt itself at an armed crash point ({@link #awaitExit(Duration)}). The API
 * and management ports are fixed at construction, so a process started again after a kill keeps its addresses. Its
 * output goes to {@code target/faults/logs/<name>.log} (written anew by the first start of this object, appended to by the next ones).
 *
 * <p>Each {@link #start()} runs {@code java -Xmx512m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -cp <the test class
 * path> io.twoway.TwowayApplication --key=value...} with the defaults below, then the caller's properties (which
 * win), and this JVM's environment plus the caller's.
 */
public final class TwowayProcess implements AutoCloseable {

    public static final String MAIN_CLASS = "io.twoway.TwowayApplication";
    public static final Duration START_TIMEOUT = Duration.ofSeconds(90);
    public static final List<String> JVM_OPTIONS = List.of("-Xmx512m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1");
    /** An environment value that removes the variable from the child's environment. */
    public static final String UNSET = "\u0000unset";

    private static final Set<Integer> HANDED_OUT = new HashSet<>();
    /** Children still to be killed when this JVM ends (normally or by SIGTERM), so no Twoway outlives the test run. */
    private static final Set<Process> LIVE = java.util.concurrent.ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly), "twoway-process-reaper"));
    }
    private static volatile String classPath;

    private final String name;
    private final int apiPort;
    private final int managementPort;
    private final Map<String, String> properties;
    private final Map<String, String> environment;
    private final List<String> jvmOptions;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private Process process;
    private Duration lastStartDuration;
    private int starts;

    /**
     * A process to be started by {@link #start()}: {@code properties} are Spring properties (without the leading
     * {@code --}), {@code environment} is added to this JVM's (a value of {@link #UNSET} removes a variable).
     */
    public TwowayProcess(String name, int apiPort, int managementPort, Map<String, String> properties, Map<String, String> environment) {
        this(name, apiPort, managementPort, properties, environment, List.of());
    }

    /** As above, with JVM options added after {@link #JVM_OPTIONS} (e.g. {@code -Dsomething}). */
    public TwowayProcess(String name, int apiPort, int managementPort, Map<String, String> properties, Map<String, String> environment,
            List<String> extraJvmOptions) {
        this.name = name;
        this.apiPort = apiPort;
        this.managementPort = managementPort;
        this.properties = new LinkedHashMap<>(properties);
        this.environment = new LinkedHashMap<>(environment);
        this.jvmOptions = new ArrayList<>(JVM_OPTIONS);
        this.jvmOptions.addAll(extraJvmOptions);
        this.log = Path.of("target", "faults", "logs", name + ".log").toAbsolutePath();
    }

    /** Constructs and {@link #start()}s a process. */
    public static TwowayProcess start(String name, int apiPort, int managementPort, Map<String, String> properties,
            Map<String, String> environment) {
        TwowayProcess p = new TwowayProcess(name, apiPort, managementPort, properties, environment);
        p.start();
        return p;
    }

    /** Starts the process and returns once its readiness probe answers 200 (see {@link #start(Map, Map)}). */
    public Duration start() {
        return start(Map.of(), Map.of());
    }

    /**
     * Starts the process (it must not be running) with these properties and environment variables on top of the
     * constructor's, for this start only, and returns once {@code GET /actuator/health/readiness} on the management
     * port answers 200, with the time that took. Throws, with the tail of the log, when the process exits first or is
     * not ready within {@link #START_TIMEOUT} (the process is then killed).
     */
    public Duration start(Map<String, String> extraProperties, Map<String, String> extraEnvironment) {
        return start(extraProperties, extraEnvironment, START_TIMEOUT);
    }

    public Duration start(Map<String, String> extraProperties, Map<String, String> extraEnvironment, Duration timeout) {
        long begin = System.nanoTime();
        launch(extraProperties, extraEnvironment);
        // not under the lock: another thread may kill() the process while it starts
        awaitReady(timeout);
        Duration took = Duration.ofNanos(System.nanoTime() - begin);
        synchronized (this) {
            lastStartDuration = took;
        }
        return took;
    }

    /**
     * Starts the process without waiting for it to get ready (for a start that is meant to fail or crash); see
     * {@link #awaitReady(Duration)} and {@link #awaitExit(Duration)}.
     */
    public synchronized void launch(Map<String, String> extraProperties, Map<String, String> extraEnvironment) {
        if (isAlive()) {
            throw new IllegalStateException(name + " is already running (pid " + process.pid() + ")");
        }
        Map<String, String> props = new LinkedHashMap<>(defaults());
        props.putAll(properties);
        props.putAll(extraProperties);
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        try {
            Files.createDirectories(log.getParent());
            Path argFile = log.resolveSibling(name + ".classpath");
            Files.writeString(argFile, "-cp \"" + classPath().replace("\\", "\\\\") + "\"\n", StandardCharsets.UTF_8);
            command.add("@" + argFile);
            command.add(MAIN_CLASS);
            props.forEach((key, value) -> command.add("--" + key + "=" + value));
            starts++;
            if (starts == 1) {
                // a new process object starts a new log (a rerun of the test would append to the last run's)
                Files.deleteIfExists(log);
            }
            Files.writeString(log, String.format("%n===== %s start #%d at %s: %s%n", name, starts, Instant.now(), String.join(" ", command.subList(command.size() - props.size(), command.size()))),
                    StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .directory(Path.of("").toAbsolutePath().toFile());
            Map<String, String> env = builder.environment();
            // would override spring.datasource.* (DatabaseUrlEnvironmentPostProcessor puts it first)
            env.remove("DATABASE_URL");
            Map<String, String> allEnv = new LinkedHashMap<>(environment);
            allEnv.putAll(extraEnvironment);
            allEnv.forEach((key, value) -> {
                if (UNSET.equals(value)) {
                    env.remove(key);
                } else {
                    env.put(key, value);
                }
            });
            process = builder.start();
            LIVE.removeIf(p -> !p.isAlive());
            LIVE.add(process);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + name, e);
        }
    }

    /** Waits until the readiness probe answers 200; throws (and kills the process) on exit or time-out. */
    public void awaitReady(Duration timeout) {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null) {
            throw new IllegalStateException(name + " was never started");
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            if (!p.isAlive()) {
                throw new IllegalStateException(name + " exited with " + p.exitValue() + " before it got ready; its log ends:\n" + logTail(60));
            }
            if (readinessStatus() == 200) {
                return;
            }
            if (System.nanoTime() > deadline) {
                kill();
                throw new IllegalStateException(name + " was not ready within " + timeout + " (killed); its log ends:\n" + logTail(60));
            }
            sleep(200);
        }
    }

    /** The readiness probe's HTTP status, or -1 when nothing answers. */
    public int readinessStatus() {
        return status("http://127.0.0.1:" + managementPort + "/actuator/health/readiness", null);
    }

    /** {@code GET} on the API port with {@code Authorization: Bearer token} (null: none): the status, -1 when nothing answers. */
    public int apiStatus(String path, String token) {
        return status("http://127.0.0.1:" + apiPort + path, token);
    }

    private int status(String url, String token) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(new URI(url)).timeout(Duration.ofSeconds(10)).GET(); // a Kubernetes probe's time-out in deploy/kubernetes
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(url, e);
        }
    }

    /** SIGKILL (no shutdown hooks, no graceful stop), then waits until the process is gone. No-op when not running. */
    public synchronized void kill() {
        if (process == null) {
            return;
        }
        ProcessHandle handle = process.toHandle();
        List<ProcessHandle> children = handle.descendants().toList();
        process.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException(name + " (pid " + process.pid() + ") still alive 30 s after SIGKILL");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Graceful stop (SIGTERM); SIGKILL when it has not exited within {@code timeout}. The exit code (143 after SIGTERM). */
    public int stop(Duration timeout) {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null) {
            throw new IllegalStateException(name + " was never started");
        }
        p.destroy();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill();
                throw new IllegalStateException(name + " did not stop within " + timeout + " of SIGTERM (killed); its log ends:\n" + logTail(40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return p.exitValue();
    }

    /** {@link #stop(Duration)} with 30 s. */
    public int stop() {
        return stop(Duration.ofSeconds(30));
    }

    /**
     * Waits for the process to end by itself (an armed crash point halts it with 137) and returns its exit code;
     * throws, with the log's tail, when it is still running after {@code timeout} (it is left running).
     */
    public int awaitExit(Duration timeout) {
        Process p;
        synchronized (this) {
            p = process;
        }
        if (p == null) {
            throw new IllegalStateException(name + " was never started");
        }
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new IllegalStateException(name + " still running after " + timeout + "; its log ends:\n" + logTail(40));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
        return p.exitValue();
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** The current (or last) process's id, -1 before the first start. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    public String name() {
        return name;
    }

    public int apiPort() {
        return apiPort;
    }

    public int managementPort() {
        return managementPort;
    }

    public String apiBaseUrl() {
        return "http://127.0.0.1:" + apiPort;
    }

    public String managementBaseUrl() {
        return "http://127.0.0.1:" + managementPort;
    }

    public Path logFile() {
        return log;
    }

    /** How long the last successful {@link #start()} took (null before one). */
    public synchronized Duration lastStartDuration() {
        return lastStartDuration;
    }

    /** The last {@code lines} lines of the log (all starts of this process), or a note when there is none. */
    public String logTail(int lines) {
        if (!Files.exists(log)) {
            return "(no log at " + log + ")";
        }
        try (RandomAccessFile file = new RandomAccessFile(log.toFile(), "r")) {
            long length = file.length();
            long from = Math.max(0, length - 256L * 1024);
            file.seek(from);
            byte[] bytes = new byte[(int) (length - from)];
            file.readFully(bytes);
            Deque<String> tail = new ArrayDeque<>();
            for (String line : new String(bytes, StandardCharsets.UTF_8).split("\n", -1)) {
                tail.addLast(line);
                if (tail.size() > lines) {
                    tail.removeFirst();
                }
            }
            return String.join("\n", tail);
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e + ")";
        }
    }

    /** The whole log (all starts). */
    public String log() {
        try {
            return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Kills the process if it is still running. */
    @Override
    public void close() {
        kill();
    }

    private Map<String, String> defaults() {
        Map<String, String> d = new LinkedHashMap<>();
        d.put("server.address", "127.0.0.1");
        d.put("server.port", String.valueOf(managementPort));
        d.put("twoway.api.host", "127.0.0.1");
        d.put("twoway.api.port", String.valueOf(apiPort));
        // the Jolokia agent would take 8778 in every process
        d.put("camel.component.jolokia.enabled", "false");
        // the start's API warm-up spends the token's request budget; tests count on every request answering
        d.put("twoway.api.rate-limit", "0");
        d.put("logging.level.root", "WARN");
        d.put("logging.level.io.twoway", "INFO");
        d.put("camel.main.shutdown-timeout", "5");
        d.put("spring.lifecycle.timeout-per-shutdown-phase", "5s");
        return d;
    }

    // ---- ports and class path

    /** A free loopback port, not handed out before by this JVM. */
    public static int freePort() {
        return freePorts(1)[0];
    }

    /** {@code n} distinct free loopback ports, none handed out before by this JVM (so fixed ports do not collide). */
    public static int[] freePorts(int n) {
        int[] ports = new int[n];
        synchronized (HANDED_OUT) {
            for (int i = 0; i < n; i++) {
                while (true) {
                    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                        socket.setReuseAddress(true);
                        int port = socket.getLocalPort();
                        if (HANDED_OUT.add(port)) {
                            ports[i] = port;
                            break;
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException("no free port", e);
                    }
                }
            }
        }
        return ports;
    }

    /** Whether something accepts TCP connections on 127.0.0.1:{@code port}. */
    public static boolean isListening(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The class path of the child JVM: this test JVM's ({@code surefire.test.class.path}, else {@code java.class.path},
     * a manifest-only jar expanded), with {@code target/classes} and {@code target/test-classes} made sure of.
     */
    public static String classPath() {
        String cp = classPath;
        if (cp == null) {
            cp = computeClassPath();
            classPath = cp;
        }
        return cp;
    }

    private static String computeClassPath() {
        String raw = System.getProperty("surefire.test.class.path");
        if (raw == null || raw.isBlank()) {
            raw = System.getProperty("java.class.path", "");
        }
        Set<String> entries = new LinkedHashSet<>();
        for (String entry : raw.split(File.pathSeparator)) {
            if (entry.isBlank()) {
                continue;
            }
            entries.add(entry);
            if (entry.endsWith(".jar")) {
                entries.addAll(manifestClassPath(Path.of(entry)));
            }
        }
        Path classes = Path.of("target", "classes").toAbsolutePath();
        Path testClasses = Path.of("target", "test-classes").toAbsolutePath();
        Set<String> normalized = new HashSet<>();
        entries.forEach(e -> normalized.add(Path.of(e).toAbsolutePath().normalize().toString()));
        List<String> result = new ArrayList<>();
        if (!normalized.contains(testClasses.toString())) {
            result.add(testClasses.toString());
        }
        if (!normalized.contains(classes.toString())) {
            result.add(classes.toString());
        }
        // the booter jars of surefire itself are of no use to the child
        entries.stream().filter(e -> !Path.of(e).getFileName().toString().startsWith("surefirebooter")).forEach(result::add);
        boolean hasSpring = result.stream().anyMatch(e -> e.contains("spring-boot"));
        if (!hasSpring) {
            // neither property had the dependencies (an IDE, a launcher jar): Maven's list from the build, when there
            Path cpFile = Path.of("target", "cp.txt");
            if (Files.exists(cpFile)) {
                try {
                    for (String e : Files.readString(cpFile).trim().split(File.pathSeparator)) {
                        if (!e.isBlank()) {
                            result.add(e);
                        }
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
        }
        return String.join(File.pathSeparator, result);
    }

    /** The Class-Path entries of a (surefire manifest-only) jar's manifest, as file paths. */
    private static List<String> manifestClassPath(Path jar) {
        List<String> out = new ArrayList<>();
        if (!Files.isRegularFile(jar)) {
            return out;
        }
        try (JarFile file = new JarFile(jar.toFile())) {
            Manifest manifest = file.getManifest();
            String value = manifest == null ? null : manifest.getMainAttributes().getValue("Class-Path");
            if (value == null) {
                return out;
            }
            for (String url : value.trim().split("\\s+")) {
                try {
                    URI uri = jar.toUri().resolve(url);
                    out.add(Path.of(uri).toString());
                } catch (RuntimeException e) {
                    // not a file URL: skip it
                }
            }
        } catch (IOException e) {
            // not a jar we can read
        }
        return out;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
