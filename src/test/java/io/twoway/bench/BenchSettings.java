package io.twoway.bench;

import java.util.Arrays;
import java.util.List;

/** Benchmark sizes, read from system properties ({@code -Dbench.*}) with defaults that fit a 2-core machine. */
record BenchSettings(String only, int events, int warmupEvents, int rounds, int customers, List<Integer> batchSizes,
                     long pollIntervalMs, long fastPollIntervalMs, int latencyRate, int latencySeconds,
                     int restThreads, int restSeconds, int restMaxRequests, int restWarmupSeconds,
                     List<Integer> webhookRates, int webhookSeconds, int webhookWarmupSeconds) {

    /** {@code -Dbench.only=webhooks} runs the webhook ingest part alone; unset runs everything. */
    static final String WEBHOOKS = "webhooks";

    static BenchSettings fromSystemProperties() {
        String only = System.getProperty("bench.only", "").trim();
        if (!only.isEmpty() && !only.equals(WEBHOOKS)) {
            throw new IllegalArgumentException("bench.only must be '" + WEBHOOKS + "' or unset, not '" + only + "'");
        }
        return new BenchSettings(
                only,
                intProp("bench.events", 100_000),
                intProp("bench.warmup-events", 20_000),
                intProp("bench.rounds", 2),
                intProp("bench.customers", 10_000),
                intList("bench.batch-sizes", System.getProperty("twoway.outbox.batch-size", "500") + ",1000"),
                intProp("bench.poll-interval-ms", 100),
                intProp("bench.fast-poll-interval-ms", 20),
                intProp("bench.latency.rate", 500),
                intProp("bench.latency.seconds", 20),
                intProp("bench.rest.threads", 8),
                intProp("bench.rest.seconds", 15),
                intProp("bench.rest.requests", 0),
                intProp("bench.rest.warmup-seconds", 3),
                intList("bench.webhook.rates", "250,500,1000"),
                intProp("bench.webhook.seconds", 30),
                intProp("bench.webhook.warmup-seconds", 30));
    }

    boolean webhooksOnly() {
        return WEBHOOKS.equals(only);
    }

    private static int intProp(String name, int fallback) {
        return Integer.parseInt(System.getProperty(name, String.valueOf(fallback)).trim());
    }

    private static List<Integer> intList(String name, String fallback) {
        return Arrays.stream(System.getProperty(name, fallback).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(Integer::parseInt).distinct().toList();
    }
}
