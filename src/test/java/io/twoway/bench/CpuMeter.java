package io.twoway.bench;

import com.sun.management.OperatingSystemMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.stream.Stream;
import javax.sql.DataSource;

/**
 * CPU over a span: this JVM (service, load generator, Kafka, Stripe sandbox) and, within it, the generator's threads;
 * the local PostgreSQL server's processes (not part of the JVM); the whole machine, other processes included.
 */
final class CpuMeter {

    /** Cores used on average (PostgreSQL NaN when it is not a local process); machine as 0..1. */
    record Usage(double jvmCores, double generatorCores, double postgresCores, double machineLoad) {
        String summary(int cpus) {
            String pg = Double.isNaN(postgresCores) ? "n/a" : String.format("%.2f", postgresCores);
            return String.format("JVM %.2f (of which generator %.2f) + PostgreSQL %s cores; machine %.0f %% of %d CPUs",
                    jvmCores, generatorCores, pg, machineLoad * 100, cpus);
        }
    }

    private static final long SAMPLE_MS = 500;
    private final OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final Optional<ProcessHandle> postmaster;
    private final Predicate<String> generatorThread;

    /** {@code generatorThread} tells the load generator's threads by name; the thread that starts a span counts too. */
    CpuMeter(DataSource dataSource, Predicate<String> generatorThread) throws SQLException {
        this.generatorThread = generatorThread;
        this.postmaster = ProcessHandle.of(backendPid(dataSource)).flatMap(ProcessHandle::parent)
                .filter(p -> p.info().command().map(c -> c.contains("postgres")).orElse(false));
    }

    Span start() {
        return new Span();
    }

    /** A running measurement; {@link #stop()} ends it. */
    final class Span {
        private final long wall0 = System.nanoTime();
        private final long jvm0 = os.getProcessCpuTime();
        private final long postgres0 = postgresCpuNanos();
        private final long starter = Thread.currentThread().getId();
        private final Map<Long, Long> generator0 = generatorCpuNanos(starter);
        private final Thread sampler;
        private volatile boolean running = true;
        private double loadSum;
        private int loadSamples;

        private Span() {
            os.getCpuLoad(); // the next call covers the time from here
            sampler = new Thread(this::sample, "cpu-sampler");
            sampler.setDaemon(true);
            sampler.start();
        }

        private void sample() {
            while (running) {
                try {
                    Thread.sleep(SAMPLE_MS);
                } catch (InterruptedException e) {
                    return;
                }
                double load = os.getCpuLoad();
                if (load >= 0) {
                    loadSum += load;
                    loadSamples++;
                }
            }
        }

        Usage stop() throws InterruptedException {
            running = false;
            sampler.interrupt();
            sampler.join();
            double wall = System.nanoTime() - wall0;
            long postgres = postgresCpuNanos();
            // a thread gone since the start has taken its time with it; one started since counts from zero
            long generator = generatorCpuNanos(starter).entrySet().stream()
                    .mapToLong(e -> e.getValue() - generator0.getOrDefault(e.getKey(), 0L)).sum();
            return new Usage((os.getProcessCpuTime() - jvm0) / wall, generator / wall,
                    postgres < 0 ? Double.NaN : (postgres - postgres0) / wall, loadSamples == 0 ? Double.NaN : loadSum / loadSamples);
        }
    }

    /** CPU time of each live generator thread, by thread id. */
    private Map<Long, Long> generatorCpuNanos(long starter) {
        Map<Long, Long> cpu = new HashMap<>();
        for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds(), 0)) {
            if (info != null && (info.getThreadId() == starter || generatorThread.test(info.getThreadName()))) {
                long nanos = threads.getThreadCpuTime(info.getThreadId());
                if (nanos >= 0) {
                    cpu.put(info.getThreadId(), nanos);
                }
            }
        }
        return cpu;
    }

    /** CPU time of the server process and its children (backends, writers); -1 when it cannot be read. */
    private long postgresCpuNanos() {
        if (postmaster.isEmpty()) {
            return -1;
        }
        ProcessHandle server = postmaster.get();
        return Stream.concat(Stream.of(server), server.descendants())
                .map(p -> p.info().totalCpuDuration()).filter(Optional::isPresent)
                .mapToLong(d -> d.get().toNanos()).reduce(0, Long::sum);
    }

    private static long backendPid(DataSource dataSource) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select pg_backend_pid()")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
