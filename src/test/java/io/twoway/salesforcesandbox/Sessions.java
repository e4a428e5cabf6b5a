package io.twoway.salesforcesandbox;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * OAuth 2.0 client credentials: the two connected-app clients (the integration user's, and a person's for edits "made
 * in Salesforce"), the access tokens issued to them, and their expiry, a fixed lifetime after issue.
 */
final class Sessions {

    static final Duration DEFAULT_LIFETIME = Duration.ofHours(2);

    /** A valid access token and the user it acts as. */
    record Session(String token, String userId, Instant expiresAt) {
    }

    /** A token call's answer, and the user a token went to (null when refused). */
    record Issued(ApiResponse response, String userId) {
    }

    private record Client(String secret, String userId) {
    }

    private static final Map<String, Client> CLIENTS = Map.of(
            SalesforceSandbox.CLIENT_ID,
            new Client(SalesforceSandbox.CLIENT_SECRET, SalesforceSandbox.INTEGRATION_USER_ID),
            SalesforceSandbox.ADMIN_CLIENT_ID,
            new Client(SalesforceSandbox.ADMIN_CLIENT_SECRET, SalesforceSandbox.ADMIN_USER_ID));

    private final SecureRandom random = new SecureRandom();
    private final SandboxClock clock;
    private final String instanceUrl;
    private final Map<String, Session> sessions = new ConcurrentHashMap<>();
    private volatile Duration lifetime = DEFAULT_LIFETIME;

    Sessions(SandboxClock clock, String instanceUrl) {
        this.clock = clock;
        this.instanceUrl = instanceUrl;
    }

    /** Answers a POST to the token endpoint with these form fields. */
    Issued issue(Map<String, String> form) {
        if (!"client_credentials".equals(form.get("grant_type"))) {
            return refused("unsupported_grant_type", "grant type not supported");
        }
        Client client = form.containsKey("client_id") ? CLIENTS.get(form.get("client_id")) : null;
        if (client == null || !client.secret().equals(form.get("client_secret"))) {
            return refused("invalid_client", "Invalid client credentials");
        }
        byte[] secret = new byte[48];
        random.nextBytes(secret);
        String token = SalesforceSandbox.ORG_ID.substring(0, 15) + "!"
                + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        Instant now = clock.now();
        sessions.put(token, new Session(token, client.userId(), now.plus(lifetime)));
        String id = instanceUrl + "/id/" + SalesforceSandbox.ORG_ID + "/" + client.userId();
        String issuedAt = String.valueOf(now.toEpochMilli());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("access_token", token);
        body.put("instance_url", instanceUrl);
        body.put("id", id);
        body.put("token_type", "Bearer");
        body.put("issued_at", issuedAt);
        body.put("signature", signature(client.secret(), id + issuedAt));
        return new Issued(ApiResponse.ok(body), client.userId());
    }

    /** The session behind {@code Authorization: Bearer <token>}, while the token is known and unexpired. */
    Optional<Session> authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return Optional.empty();
        }
        Session session = sessions.get(authorization.substring(7).trim());
        if (session == null || !clock.now().isBefore(session.expiresAt())) {
            return Optional.empty();
        }
        return Optional.of(session);
    }

    void invalidate(String token) {
        sessions.remove(token);
    }

    void lifetime(Duration lifetime) {
        if (lifetime == null || lifetime.isNegative()) {
            throw new IllegalArgumentException("token lifetime must be zero or positive: " + lifetime);
        }
        this.lifetime = lifetime;
    }

    /** Invalidates every token issued so far. */
    void expireAll() {
        sessions.clear();
    }

    /** Invalidates every token and restores the default lifetime. */
    void reset() {
        sessions.clear();
        lifetime = DEFAULT_LIFETIME;
    }

    /** The answer to a method other than POST. */
    static ApiResponse postRequired() {
        return refused("invalid_request", "must use HTTP POST").response();
    }

    private static Issued refused(String error, String description) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("error", error);
        body.put("error_description", description);
        return new Issued(new ApiResponse(400, body), null);
    }

    /** Base64 HMAC-SHA256 of {@code id + issued_at} keyed with the client secret, as Salesforce signs. */
    private static String signature(String key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getEncoder().encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
