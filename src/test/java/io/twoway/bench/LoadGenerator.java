package io.twoway.bench;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop HTTP load generator, run in its own JVM by the benchmark ({@code main}), so that its CPU and its garbage
 * are not the service's. Each step sends {@code rate} requests per second for {@code seconds} on a fixed schedule:
 * slot i is due at {@code t0 + i / rate}. Latency runs from the slot's due time to the end of the answer, so time a
 * request waited for a free connection counts. A send that starts more than {@link SendCounters#LATE_MS} after its slot is counted
 * late; none is ever skipped.
 *
 * <p>HTTP/1.1 over plain keep-alive sockets, one per sender thread: the JDK's HttpClient costs several times more CPU
 * per request, and the generator shares the machine with what it measures.
 *
 * <p>Arguments: {@code host port runId step...}, a step being {@code kind:rate:seconds} with kind {@code create},
 * {@code get} (ids 1..N round robin: {@code get@N:rate:seconds}) or {@code list}. Prints {@code BEGIN n} as step n's
 * clock starts and {@code END n key=value...} when its last answer is in (its own CPU use among them, in cores), so
 * the caller can meter the other processes' CPU over the same step.
 */
public final class LoadGenerator {

    static final int CONNECTIONS = 256;
    private static final int TIMEOUT_MS = 10_000;
    private static final long LEAD_NANOS = 100_000_000L;

    private final String host;
    private final int port;
    private final String runId;

    private LoadGenerator(String host, int port, String runId) {
        this.host = host;
        this.port = port;
        this.runId = runId;
    }

    public static void main(String[] args) throws Exception {
        LoadGenerator generator = new LoadGenerator(args[0], Integer.parseInt(args[1]), args[2]);
        PrintStream out = System.out;
        com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean();
        for (int n = 3; n < args.length; n++) {
            Step step = Step.parse(args[n]);
            out.println("BEGIN " + (n - 3));
            out.flush();
            long cpu0 = os.getProcessCpuTime();
            long wall0 = System.nanoTime();
            Result result = generator.run(step, n - 3);
            double cores = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - wall0);
            out.println("END " + (n - 3) + " " + String.format(Locale.ROOT, "cpu=%.3f ", cores) + result.line());
            out.flush();
        }
    }

    /** One step of the plan. {@code idRange} is the number of existing ids a {@code get} step cycles through. */
    record Step(String kind, int idRange, int rate, int seconds) {
        static Step parse(String spec) {
            String[] parts = spec.split(":");
            String[] kind = parts[0].split("@");
            return new Step(kind[0], kind.length > 1 ? Integer.parseInt(kind[1]) : 0, Integer.parseInt(parts[1]), Integer.parseInt(parts[2]));
        }
    }

    /** What a step measured; {@link #line()} is what {@link BenchProcess} parses. */
    record Result(int sent, int ok, int non2xx, int errors, int timeouts, int late, double maxLagMs, double elapsedSeconds,
                  Percentiles latency, String sampleError, String slowSeconds) {
        String line() {
            return String.format(Locale.ROOT, "sent=%d ok=%d non2xx=%d errors=%d timeouts=%d late=%d maxLagMs=%.1f elapsed=%.3f "
                            + "p50=%.2f p90=%.2f p99=%.2f p999=%.2f max=%.2f slowest=%s sample=%s",
                    sent, ok, non2xx, errors, timeouts, late, maxLagMs, elapsedSeconds, latency.ms(50), latency.ms(90), latency.ms(99),
                    latency.ms(99.9), latency.maxMs(), slowSeconds, sampleError == null ? "-" : sampleError.replaceAll("\\s+", "_"));
        }
    }

    /** The three seconds of the step (by schedule) with the highest p99, as {@code second:p99ms}, slowest first. */
    private static String slowSeconds(long[] latencies, int rate) {
        List<double[]> seconds = new ArrayList<>();
        for (int from = 0; from < latencies.length; from += rate) {
            long[] second = java.util.Arrays.copyOfRange(latencies, from, Math.min(latencies.length, from + rate));
            seconds.add(new double[] {from / rate, new Percentiles(second).ms(99)});
        }
        seconds.sort((a, b) -> Double.compare(b[1], a[1]));
        return String.join(",", seconds.stream().limit(3).map(s -> String.format(Locale.ROOT, "%.0f:%.0f", s[0], s[1])).toList());
    }

    private Result run(Step step, int stepNo) throws InterruptedException {
        int total = step.rate() * step.seconds();
        byte[][] requests = new byte[total][];
        for (int i = 0; i < total; i++) {
            requests[i] = request(step, stepNo, i);
        }
        SendCounters counters = new SendCounters(total);
        BlockingQueue<Integer> slots = new LinkedBlockingQueue<>();
        long t0 = System.nanoTime() + LEAD_NANOS;
        List<Thread> senders = new ArrayList<>();
        for (int c = 0; c < CONNECTIONS; c++) {
            Thread t = new Thread(() -> sendLoop(slots, requests, t0, step.rate(), counters), "sender-" + c);
            t.setDaemon(true);
            t.start();
            senders.add(t);
        }
        for (int i = 0; i < total; i++) {
            long due = t0 + i * 1_000_000_000L / step.rate();
            for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
                LockSupport.parkNanos(wait);
            }
            slots.add(i);
        }
        counters.awaitAll(TIMEOUT_MS / 1000L * (1 + total / CONNECTIONS) + 30, "requests");
        senders.forEach(Thread::interrupt);
        double elapsed = counters.elapsedSeconds(t0, step.seconds());
        return new Result(total, counters.ok.get(), counters.non2xx.get(), counters.errors.get(), counters.timeouts.get(), counters.late.get(),
                counters.maxLag.get() / 1e6, elapsed, new Percentiles(counters.latencies), counters.sampleError.get(),
                slowSeconds(counters.latencies, step.rate()));
    }

    private byte[] request(Step step, int stepNo, int i) {
        String head = switch (step.kind()) {
            case "create" -> {
                String body = "{\"name\":\"Bench Customer " + i + "\",\"email\":\"bench-" + runId + "-" + stepNo + "-" + i + "@example.com\"}";
                yield "POST /customers HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n" + common() + body;
            }
            case "get" -> "GET /customers/" + (1 + i % step.idRange()) + " HTTP/1.1\r\n" + common();
            case "list" -> "GET /customers?limit=20&skip=" + (i % 10) * 20 + " HTTP/1.1\r\n" + common();
            default -> throw new IllegalArgumentException("unknown step kind " + step.kind());
        };
        return head.getBytes(StandardCharsets.UTF_8);
    }

    private String common() {
        return "Host: " + host + ":" + port + "\r\nAuthorization: Bearer " + ServiceLoad.API_TOKEN + "\r\nAccept: application/json\r\n\r\n";
    }

    /** One sender thread: takes due slots, sends each on its own keep-alive connection, reads the whole answer. */
    private void sendLoop(BlockingQueue<Integer> slots, byte[][] requests, long t0, int rate, SendCounters counters) {
        Connection connection = null;
        try {
            while (true) {
                int slot = slots.take();
                long due = t0 + slot * 1_000_000_000L / rate;
                counters.sending(due);
                try {
                    if (connection == null) {
                        connection = new Connection(host, port);
                    }
                    counters.status(connection.exchange(requests[slot]), "from the service");
                    if (connection.closing) {
                        connection.close();
                        connection = null;
                    }
                } catch (SocketTimeoutException e) {
                    counters.timeout("timeout");
                    connection = closeQuietly(connection);
                } catch (IOException | RuntimeException e) {
                    counters.error(e.toString());
                    connection = closeQuietly(connection);
                } finally {
                    counters.done(slot, due);
                }
            }
        } catch (InterruptedException e) {
            closeQuietly(connection);
        }
    }

    private static Connection closeQuietly(Connection connection) {
        if (connection != null) {
            connection.close();
        }
        return null;
    }

    /** A keep-alive HTTP/1.1 connection: writes a request, reads the status, the headers and the body (sized or chunked). */
    private static final class Connection {
        private final Socket socket;
        private final OutputStream out;
        private final InputStream in;
        boolean closing;

        Connection(String host, int port) throws IOException {
            socket = new Socket();
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(host, port), TIMEOUT_MS);
            socket.setSoTimeout(TIMEOUT_MS);
            out = socket.getOutputStream();
            in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        }

        int exchange(byte[] request) throws IOException {
            out.write(request);
            out.flush();
            String statusLine = line();
            if (!statusLine.startsWith("HTTP/1.1 ") || statusLine.length() < 12) {
                throw new IOException("bad status line: " + statusLine);
            }
            int status = Integer.parseInt(statusLine.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            for (String header = line(); !header.isEmpty(); header = line()) {
                String lower = header.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                } else if (lower.startsWith("connection:") && lower.contains("close")) {
                    closing = true;
                }
            }
            if (chunked) {
                for (long size = Long.parseLong(line().split(";")[0].trim(), 16); size > 0; size = Long.parseLong(line().split(";")[0].trim(), 16)) {
                    skip(size);
                    line();
                }
                while (!line().isEmpty()) {
                    // trailers
                }
            } else if (length >= 0) {
                skip(length);
            } else {
                closing = true; // a body that ends with the connection
                while (in.read() >= 0) {
                    // drain
                }
            }
            return status;
        }

        private void skip(long n) throws IOException {
            while (n > 0) {
                long skipped = in.skip(n);
                if (skipped <= 0) {
                    if (in.read() < 0) {
                        throw new IOException("connection closed mid-body");
                    }
                    skipped = 1;
                }
                n -= skipped;
            }
        }

        private String line() throws IOException {
            StringBuilder sb = new StringBuilder(64);
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new IOException("connection closed by the server");
                }
                if (c != '\r') {
                    sb.append((char) c);
                }
            }
            return sb.toString();
        }

        void close() {
            try {
                socket.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}
