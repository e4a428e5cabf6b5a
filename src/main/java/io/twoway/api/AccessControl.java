package io.twoway.api;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.twoway.config.TwowayProperties;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * HTTP API: who may call it, and how often. A request carries one of the {@code API_TOKEN} tokens as
 * {@code Authorization: Bearer <token>}, or as the password of HTTP Basic (any user name) so that a browser can open
 * the web pages. Tokens are compared as SHA-256 digests with {@link MessageDigest#isEqual}, every configured one each
 * time, so the answer's timing tells nothing about a token. Each caller (a token, or a client address where no token
 * applies) gets {@code API_RATE_LIMIT} requests per second from resilience4j's rate limiter.
 */
@Component
public class AccessControl {

    public static final String CHALLENGE = "Basic realm=\"twoway\", charset=\"UTF-8\"";
    /** A refused caller may try again after this many seconds: its limit refreshes every second. */
    public static final String RETRY_AFTER_SECONDS = "1";
    private static final Logger LOG = LoggerFactory.getLogger(AccessControl.class);
    private static final int MAX_CALLERS = 10_000;

    private final List<byte[]> digests;
    private final boolean disabled;
    private final RateLimiterConfig limit;
    private final Map<String, RateLimiter> limiters;

    public AccessControl(TwowayProperties properties) {
        this.digests = properties.api().tokenList().stream().map(AccessControl::digest).toList();
        this.disabled = properties.api().authDisabled();
        int perSecond = properties.api().rateLimit();
        this.limit = perSecond <= 0 ? null : RateLimiterConfig.custom().limitForPeriod(perSecond).limitRefreshPeriod(Duration.ofSeconds(1))
                .timeoutDuration(Duration.ZERO).build();
        // the least recently seen caller goes first once there are too many (webhook senders by address, mostly)
        this.limiters = Collections.synchronizedMap(new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, RateLimiter> eldest) {
                return size() > MAX_CALLERS;
            }
        });
        if (disabled) {
            LOG.warn("AUTH_DISABLED=true: the API, the admin endpoints and the metrics answer anyone who reaches them");
        }
    }

    /** The caller a request's {@code Authorization} header proves, as a short digest of its token; empty when none. */
    public Optional<String> caller(String authorization) {
        if (disabled) {
            return Optional.of("anonymous");
        }
        String token = token(authorization);
        if (token == null) {
            return Optional.empty();
        }
        byte[] presented = digest(token);
        boolean match = false;
        for (byte[] known : digests) {
            match |= MessageDigest.isEqual(known, presented);
        }
        return match ? Optional.of("token:" + HexFormat.of().formatHex(presented, 0, 4)) : Optional.empty();
    }

    /** True when the caller (a token's digest, or a client address) may make one more request this second. */
    public boolean admit(String caller) {
        return limit == null || limiters.computeIfAbsent(caller, k -> RateLimiter.of(k, limit)).acquirePermission();
    }


    private static String token(String authorization) {
        if (authorization == null) {
            return null;
        }
        String value = authorization.trim();
        if (value.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return value.substring(7).trim();
        }
        if (value.regionMatches(true, 0, "Basic ", 0, 6)) {
            try {
                String pair = new String(Base64.getDecoder().decode(value.substring(6).trim()), StandardCharsets.UTF_8);
                int colon = pair.indexOf(':');
                return colon < 0 ? null : pair.substring(colon + 1);
            } catch (IllegalArgumentException notBase64) {
                return null;
            }
        }
        return null;
    }

    private static byte[] digest(String token) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
