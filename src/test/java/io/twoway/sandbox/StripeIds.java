package io.twoway.sandbox;

import java.security.SecureRandom;

/** Generates Stripe-style object ids ({@code cus_}, {@code evt_}, {@code req_} + random alphanumerics). */
final class StripeIds {

    private static final String ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    private static final String UPPER = "0123456789ABCDEF";
    private static final SecureRandom RANDOM = new SecureRandom();

    private StripeIds() {
    }

    static String customer() {
        return "cus_" + random(ALPHANUMERIC, 14);
    }

    static String event() {
        return "evt_" + random(ALPHANUMERIC, 24);
    }

    static String request() {
        return "req_" + random(ALPHANUMERIC, 14);
    }

    static String invoicePrefix() {
        return random(UPPER, 8);
    }

    private static String random(String alphabet, int length) {
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) {
            sb.append(alphabet.charAt(RANDOM.nextInt(alphabet.length())));
        }
        return sb.toString();
    }
}
