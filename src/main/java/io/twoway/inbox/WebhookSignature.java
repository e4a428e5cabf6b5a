package io.twoway.inbox;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Inward sync: verifies a {@code Stripe-Signature} header on the raw body bytes, as Stripe signs it: {@code v1} is the
 * hex HMAC-SHA256 of {@code "{t}.{body}"} keyed by the whole {@code whsec_…} string. Any {@code v1} entry may match any
 * configured secret (several during a rotation); the comparison takes constant time; only a timestamp older than the
 * tolerance is refused, as Stripe's SDKs do.
 */
public final class WebhookSignature {

    /** Why a signature was refused; the message is safe to log and to answer (it never holds a secret). */
    public static final class Invalid extends Exception {
        public Invalid(String message) {
            super(message);
        }
    }

    private final List<byte[]> secrets;
    private final long toleranceSeconds;

    public WebhookSignature(String secrets, long toleranceSeconds) {
        this.secrets = Arrays.stream(secrets == null ? new String[0] : secrets.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).map(s -> s.getBytes(StandardCharsets.UTF_8)).toList();
        this.toleranceSeconds = toleranceSeconds;
    }

    public boolean configured() {
        return !secrets.isEmpty();
    }

    public void verify(byte[] body, String header, long nowEpochSeconds) throws Invalid {
        if (secrets.isEmpty()) {
            throw new Invalid("no webhook secret is configured (STRIPE_WEBHOOK_SECRET)");
        }
        if (header == null || header.isBlank()) {
            throw new Invalid("missing Stripe-Signature header");
        }
        Long timestamp = null;
        List<byte[]> signatures = new ArrayList<>();
        for (String part : header.split(",")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new Invalid("malformed Stripe-Signature header");
            }
            String key = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            if (key.equals("t")) {
                try {
                    timestamp = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    throw new Invalid("malformed Stripe-Signature header: t is not a number");
                }
            } else if (key.equals("v1")) {
                try {
                    signatures.add(HexFormat.of().parseHex(value));
                } catch (IllegalArgumentException e) {
                    throw new Invalid("malformed Stripe-Signature header: v1 is not hex");
                }
            }
        }
        if (timestamp == null || signatures.isEmpty()) {
            throw new Invalid("malformed Stripe-Signature header: it needs t and at least one v1");
        }
        if (nowEpochSeconds - timestamp > toleranceSeconds) {
            throw new Invalid("signature timestamp is " + (nowEpochSeconds - timestamp) + " s old, over the " + toleranceSeconds + " s tolerance");
        }
        byte[] signedPayload = concat((timestamp + ".").getBytes(StandardCharsets.UTF_8), body);
        boolean match = false;
        for (byte[] secret : secrets) {
            byte[] expected = hmac(secret, signedPayload);
            for (byte[] signature : signatures) {
                match |= MessageDigest.isEqual(expected, signature);
            }
        }
        if (!match) {
            throw new Invalid("no v1 signature matches a configured secret");
        }
    }

    /** The header Stripe would send for this body; for the sandbox and tests. */
    public static String sign(long timestamp, byte[] body, String secret) {
        byte[] mac = hmac(secret.getBytes(StandardCharsets.UTF_8), concat((timestamp + ".").getBytes(StandardCharsets.UTF_8), body));
        return "t=" + timestamp + ",v1=" + HexFormat.of().formatHex(mac);
    }

    private static byte[] hmac(byte[] key, byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
