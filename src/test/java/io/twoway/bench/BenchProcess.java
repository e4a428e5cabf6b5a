package io.twoway.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/** A JVM the benchmark starts (the service jar, the load generator) and the CPU that processes on this machine use. */
final class BenchProcess implements AutoCloseable {

    final Process process;

    private BenchProcess(Process process) {
        this.process = process;
    }

    /**
     * {@code java [jvmOptions] args...} with {@code environment} added to this JVM's, output to {@code log} (or to the
     * caller when {@code log} is null).
     */
    static BenchProcess java(List<String> jvmOptions, List<String> args, Map<String, String> environment, Path log) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(jvmOptions);
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        if (log != null) {
            Files.createDirectories(log.getParent());
            builder.redirectOutput(log.toFile());
        }
        return new BenchProcess(builder.start());
    }

    /** Runs the load generator's plan, handing each output line to {@code lines} as it arrives; fails on a non-zero exit. */
    static void generator(List<String> args, Consumer<String> lines) throws IOException, InterruptedException {
        List<String> full = new ArrayList<>(List.of("-cp", Path.of("target", "test-classes").toAbsolutePath().toString(),
                LoadGenerator.class.getName()));
        full.addAll(args);
        try (BenchProcess generator = java(List.of("-Xmx1g", "-XX:+UseSerialGC"), full, Map.of(), null)) {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(generator.process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    lines.accept(line);
                }
            }
            int exit = generator.process.waitFor();
            if (exit != 0) {
                throw new IllegalStateException("the load generator exited with " + exit);
            }
        }
    }

    long pid() {
        return process.pid();
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** CPU seconds by process group (service, PostgreSQL, this JVM) and the machine's busy share, between two snapshots. */
    record CpuSnapshot(long wallNanos, Map<String, Long> cpuNanos, long machineBusy, long machineTotal) {

        static CpuSnapshot take(Map<String, Supplier<Stream<ProcessHandle>>> groups) {
            Map<String, Long> cpu = new HashMap<>();
            groups.forEach((name, handles) -> cpu.put(name, handles.get()
                    .map(h -> h.info().totalCpuDuration()).filter(Optional::isPresent)
                    .mapToLong(d -> d.get().toNanos()).sum()));
            long[] machine = procStat();
            return new CpuSnapshot(System.nanoTime(), cpu, machine[0], machine[1]);
        }

        /** Cores used per group, and the machine's load (0..1), from {@code start} to this snapshot. */
        String since(CpuSnapshot start, List<String> order) {
            double wall = wallNanos - start.wallNanos;
            StringBuilder sb = new StringBuilder();
            for (String name : order) {
                sb.append(String.format("%s %.2f, ", name, (cpuNanos.getOrDefault(name, 0L) - start.cpuNanos.getOrDefault(name, 0L)) / wall));
            }
            double load = machineTotal == start.machineTotal ? Double.NaN
                    : (double) (machineBusy - start.machineBusy) / (machineTotal - start.machineTotal);
            return sb.append(String.format("machine %.0f %%", load * 100)).toString();
        }

        /** Busy and total jiffies of all CPUs, from /proc/stat (zeros where it cannot be read). */
        private static long[] procStat() {
            try (Stream<String> lines = Files.lines(Path.of("/proc/stat"))) {
                String cpu = lines.filter(l -> l.startsWith("cpu ")).findFirst().orElse("");
                String[] f = cpu.trim().split("\\s+");
                long total = 0;
                for (int i = 1; i < Math.min(f.length, 9); i++) { // guest time is already in user
                    total += Long.parseLong(f[i]);
                }
                long idle = Long.parseLong(f[4]) + Long.parseLong(f[5]);
                return new long[] {total - idle, total};
            } catch (IOException | RuntimeException e) {
                return new long[] {0, 0};
            }
        }
    }
}
