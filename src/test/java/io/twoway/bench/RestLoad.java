package io.twoway.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/** REST load: concurrent clients POST /customers with unique emails for a fixed time; counts answers that are not 201. */
final class RestLoad {

    record Result(int requests, int non201, double seconds, Percentiles latency, String sampleError) {
        double rate() {
            return requests / seconds;
        }
    }

    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final URI uri;
    private final String runId = Long.toString(System.currentTimeMillis(), 36);
    private final AtomicLong sequence = new AtomicLong();

    RestLoad(int port) {
        this.uri = URI.create("http://127.0.0.1:" + port + "/customers");
    }

    Result run(int threads, int seconds, int maxRequests) throws InterruptedException {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        AtomicInteger budget = new AtomicInteger(maxRequests > 0 ? maxRequests : Integer.MAX_VALUE);
        AtomicInteger non201 = new AtomicInteger();
        String[] sampleError = new String[1];
        long[][] perThread = new long[threads][];
        List<Thread> workers = new ArrayList<>();
        long start = System.nanoTime();
        for (int t = 0; t < threads; t++) {
            int index = t;
            Thread worker = new Thread(() -> perThread[index] = work(deadline, budget, non201, sampleError), "rest-client-" + t);
            workers.add(worker);
            worker.start();
        }
        for (Thread worker : workers) {
            worker.join();
        }
        double elapsed = (System.nanoTime() - start) / 1e9;
        long[] all = Arrays.stream(perThread).flatMapToLong(Arrays::stream).toArray();
        return new Result(all.length, non201.get(), elapsed, new Percentiles(all), sampleError[0]);
    }

    private long[] work(long deadline, AtomicInteger budget, AtomicInteger non201, String[] sampleError) {
        long[] latencies = new long[1024];
        int n = 0;
        while (System.nanoTime() < deadline && budget.getAndDecrement() > 0) {
            long id = sequence.incrementAndGet();
            String body = "{\"name\":\"Bench Customer " + id + "\",\"email\":\"bench-" + runId + "-" + id + "@example.com\"}";
            HttpRequest request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            long sent = System.nanoTime();
            int status;
            String answer;
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                status = response.statusCode();
                answer = response.body();
            } catch (Exception e) {
                status = -1;
                answer = e.toString();
            }
            long took = System.nanoTime() - sent;
            if (status != 201) {
                non201.incrementAndGet();
                sampleError[0] = status + " " + answer;
            }
            if (n == latencies.length) {
                latencies = Arrays.copyOf(latencies, n * 2);
            }
            latencies[n++] = took;
        }
        return Arrays.copyOf(latencies, n);
    }
}
