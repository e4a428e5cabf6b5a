package io.twoway.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import io.twoway.config.TwowayProperties;
import java.io.ByteArrayInputStream;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;
import org.slf4j.MDC;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * HTTP API: the guard every request passes first. It assigns the correlation id ({@code X-Correlation-Id}, taken
 * from the client when well-formed), answers 413 for a body over the limit before anything reads it, and serves a
 * path with a trailing slash as the same path without it.
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestGuardFilter extends OncePerRequestFilter {

    public static final String CORRELATION_HEADER = "X-Correlation-Id";
    private static final Pattern CORRELATION_ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");

    private static final String WEBHOOK_PATHS = "/webhooks/";

    private final int maxBodyBytes;
    private final int maxWebhookBodyBytes;

    public RequestGuardFilter(TwowayProperties properties) {
        this.maxBodyBytes = properties.api().maxBodyBytes();
        this.maxWebhookBodyBytes = properties.webhook().maxBodyBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String supplied = request.getHeader(CORRELATION_HEADER);
        String correlationId = supplied != null && CORRELATION_ID.matcher(supplied).matches() ? supplied : UUID.randomUUID().toString();
        response.setHeader(CORRELATION_HEADER, correlationId);
        MDC.put("correlationId", correlationId);
        try {
            byte[] body = null;
            if (isForm(request.getContentType())) {
                // the HTTP binding would parse such a body as form fields (and fail on one that is not): the API takes JSON only
                refuse(response, 400, "Content-Type must be application/json");
                return;
            }
            int limit = request.getRequestURI().startsWith(WEBHOOK_PATHS) ? maxWebhookBodyBytes : maxBodyBytes;
            if (request.getContentLengthLong() > limit) {
                tooLarge(response, limit);
                return;
            }
            if (request.getContentLengthLong() < 0 && hasBody(request)) {
                body = request.getInputStream().readNBytes(limit + 1);
                if (body.length > limit) {
                    tooLarge(response, limit);
                    return;
                }
            }
            chain.doFilter(new GuardedRequest(request, correlationId, body), response);
        } finally {
            MDC.remove("correlationId");
        }
    }

    private static boolean hasBody(HttpServletRequest request) {
        return request.getHeader("Transfer-Encoding") != null;
    }

    private static boolean isForm(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase();
        return type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data");
    }

    private static void tooLarge(HttpServletResponse response, int limit) throws IOException {
        response.setHeader("Connection", "close");
        refuse(response, 413, "Request body is larger than " + limit + " bytes");
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getOutputStream().write(ApiResponses.errorJson(message, List.of()).getBytes(StandardCharsets.UTF_8));
    }

    /** The request as the rest of the service sees it: correlation id present, no trailing slash, body buffered if chunked. */
    private static final class GuardedRequest extends HttpServletRequestWrapper {
        private final String correlationId;
        private final byte[] body;

        GuardedRequest(HttpServletRequest request, String correlationId, byte[] body) {
            super(request);
            this.correlationId = correlationId;
            this.body = body;
        }

        @Override
        public String getRequestURI() {
            return strip(super.getRequestURI());
        }

        @Override
        public StringBuffer getRequestURL() {
            return new StringBuffer(strip(super.getRequestURL().toString()));
        }

        @Override
        public String getServletPath() {
            return strip(super.getServletPath());
        }

        @Override
        public String getPathInfo() {
            String info = super.getPathInfo();
            return info == null ? null : strip(info);
        }

        private static String strip(String path) {
            return path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        }

        @Override
        public String getHeader(String name) {
            return CORRELATION_HEADER.equalsIgnoreCase(name) ? correlationId : super.getHeader(name);
        }

        @Override
        public Enumeration<String> getHeaders(String name) {
            return CORRELATION_HEADER.equalsIgnoreCase(name) ? Collections.enumeration(List.of(correlationId)) : super.getHeaders(name);
        }

        @Override
        public Enumeration<String> getHeaderNames() {
            List<String> names = new ArrayList<>();
            for (Enumeration<String> e = super.getHeaderNames(); e.hasMoreElements(); ) {
                String name = e.nextElement();
                if (!CORRELATION_HEADER.equalsIgnoreCase(name)) {
                    names.add(name);
                }
            }
            names.add(CORRELATION_HEADER);
            return Collections.enumeration(names);
        }

        @Override
        public int getContentLength() {
            return body == null ? super.getContentLength() : body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body == null ? super.getContentLengthLong() : body.length;
        }

        @Override
        public ServletInputStream getInputStream() throws IOException {
            return body == null ? super.getInputStream() : new BufferedBody(new ByteArrayInputStream(body));
        }

        @Override
        public BufferedReader getReader() throws IOException {
            return body == null ? super.getReader() : new BufferedReader(new InputStreamReader(getInputStream(), StandardCharsets.UTF_8));
        }
    }

    private static final class BufferedBody extends ServletInputStream {
        private final InputStream in;

        BufferedBody(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            return in.read();
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return in.read(b, off, len);
        }

        @Override
        public boolean isFinished() {
            try {
                return in.available() == 0;
            } catch (IOException e) {
                return true;
            }
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            throw new UnsupportedOperationException("blocking reads only");
        }
    }
}
