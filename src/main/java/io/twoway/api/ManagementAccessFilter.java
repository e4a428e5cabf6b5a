package io.twoway.api;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * HTTP API: the same token and rate limit on Spring's management port (metrics, routes) as on the API. Only
 * {@code /actuator/health} and its groups answer without one, for load balancers and Kubernetes probes.
 */
@Component
public class ManagementAccessFilter extends OncePerRequestFilter {

    private final AccessControl access;

    public ManagementAccessFilter(AccessControl access) {
        this.access = access;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        String path = request.getRequestURI();
        return path.equals("/actuator/health") || path.startsWith("/actuator/health/");
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        Optional<String> caller = access.caller(request.getHeader("Authorization"));
        if (caller.isEmpty()) {
            response.setHeader("WWW-Authenticate", AccessControl.CHALLENGE);
            refuse(response, 401, "Authentication required: send Authorization: Bearer <API_TOKEN>");
        } else if (!access.admit(caller.get())) {
            response.setHeader("Retry-After", AccessControl.RETRY_AFTER_SECONDS);
            refuse(response, 429, "Too many requests");
        } else {
            chain.doFilter(request, response);
        }
    }

    private static void refuse(HttpServletResponse response, int status, String message) throws IOException {
        response.setStatus(status);
        response.setContentType("application/json");
        response.getOutputStream().write(ApiResponses.errorJson(message, List.of()).getBytes(StandardCharsets.UTF_8));
    }
}
