package io.twoway.bench;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Benchmark sizes, read from system properties ({@code -Dbench.*}) with defaults that fit a 2-core machine. */
record BenchSettings(Set<String> parts, int events, int warmupEvents, int rounds, int customers, List<Integer> batchSizes,
                     long pollIntervalMs, long fastPollIntervalMs, int latencyRate, int latencySeconds,
                     List<Integer> webhookRates, int webhookSeconds, int webhookWarmupSeconds,
                     Map<String, List<String>> coldVariants, int coldRate, int coldSeconds, List<String> serviceJvmOptions,
                     int warmupRate, int warmupSeconds, List<Integer> createRates, List<Integer> readRates, int stepSeconds,
                     int budgetRestRate, int budgetSeconds, int stripeRateLimit, int reconcileCustomers, int reconcilePlanted,
                     int salesforceChanges) {

    /** The parts {@code -Dbench.only=a,b} may name; unset runs service and relay (the others are asked for by name). */
    static final List<String> PARTS = List.of("service", "relay", "webhooks", "reconcile", "salesforce");

    static BenchSettings fromSystemProperties() {
        String only = System.getProperty("bench.only", "").trim();
        Set<String> parts = only.isEmpty() ? Set.of("service", "relay") : Set.copyOf(Arrays.stream(only.split(",")).map(String::trim).toList());
        if (!PARTS.containsAll(parts)) {
            throw new IllegalArgumentException("bench.only takes a comma-separated list of " + PARTS + ", not '" + only + "'");
        }
        return new BenchSettings(
                parts,
                intProp("bench.events", 100_000),
                intProp("bench.warmup-events", 20_000),
                intProp("bench.rounds", 2),
                intProp("bench.customers", 10_000),
                intList("bench.batch-sizes", System.getProperty("twoway.outbox.batch-size", "500") + ",1000"),
                intProp("bench.poll-interval-ms", 100),
                intProp("bench.fast-poll-interval-ms", 20),
                intProp("bench.latency.rate", 500),
                intProp("bench.latency.seconds", 20),
                intList("bench.webhook.rates", "250,500,1000"),
                intProp("bench.webhook.seconds", 30),
                intProp("bench.webhook.warmup-seconds", 30),
                variants(System.getProperty("bench.cold-variants", "default=")),
                intProp("bench.cold.rate", 100),
                intProp("bench.cold.seconds", 60),
                words(System.getProperty("bench.service-jvm-options", "")),
                intProp("bench.warmup.rate", 500),
                intProp("bench.warmup.seconds", 30),
                intList("bench.create-rates", "250,500,1000,1500,2000"),
                intList("bench.read-rates", "3000"),
                intProp("bench.step-seconds", 20),
                intProp("bench.budget.rest-rate", 250),
                intProp("bench.budget.seconds", 40),
                intProp("bench.stripe-rate-limit", 25),
                intProp("bench.reconcile.customers", 100_000),
                intProp("bench.reconcile.planted", 300),
                intProp("bench.salesforce.changes", 10_000));
    }

    boolean runs(String part) {
        return parts.contains(part);
    }

    /** {@code name=jvm options;name=jvm options}, e.g. {@code default=;c1=-XX:TieredStopAtLevel=1}. */
    private static Map<String, List<String>> variants(String spec) {
        Map<String, List<String>> variants = new LinkedHashMap<>();
        for (String variant : spec.split(";")) {
            if (!variant.isBlank()) {
                String[] nameAndOptions = variant.split("=", 2);
                variants.put(nameAndOptions[0].trim(), words(nameAndOptions.length > 1 ? nameAndOptions[1] : ""));
            }
        }
        return variants;
    }

    private static List<String> words(String text) {
        return Arrays.stream(text.trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
    }

    private static int intProp(String name, int fallback) {
        return Integer.parseInt(System.getProperty(name, String.valueOf(fallback)).trim());
    }

    private static List<Integer> intList(String name, String fallback) {
        return Arrays.stream(System.getProperty(name, fallback).split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(Integer::parseInt).distinct().toList();
    }
}
