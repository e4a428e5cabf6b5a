package io.twoway.bench;

import java.util.Arrays;

/** Nearest-rank percentiles over a set of latencies in nanoseconds, reported in milliseconds. */
final class Percentiles {

    private final long[] sorted;

    Percentiles(long[] nanos) {
        this.sorted = nanos.clone();
        Arrays.sort(sorted);
    }

    int count() {
        return sorted.length;
    }

    double ms(double percentile) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))] / 1e6;
    }

    double maxMs() {
        return sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1] / 1e6;
    }

    String summary() {
        return String.format("p50 %.1f ms, p99 %.1f ms, max %.1f ms", ms(50), ms(99), maxMs());
    }
}
