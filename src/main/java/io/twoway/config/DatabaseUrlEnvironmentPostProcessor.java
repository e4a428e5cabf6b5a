package io.twoway.config;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.env.EnvironmentPostProcessor;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Configuration: turns the seed's {@code DATABASE_URL} ({@code postgresql://user:password@host:port/db}, the
 * {@code postgres://} and {@code postgresql+driver://} spellings, or a plain JDBC URL) into Spring's datasource properties.
 */
public class DatabaseUrlEnvironmentPostProcessor implements EnvironmentPostProcessor, Ordered {

    static final String VARIABLE = "DATABASE_URL";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        String value = environment.getProperty(VARIABLE);
        if (value == null || value.isBlank()) {
            return;
        }
        environment.getPropertySources().addFirst(new MapPropertySource("twoway-database-url", toDatasourceProperties(value.trim())));
    }

    static Map<String, Object> toDatasourceProperties(String databaseUrl) {
        Map<String, Object> properties = new LinkedHashMap<>();
        if (databaseUrl.startsWith("jdbc:postgresql:")) {
            properties.put("spring.datasource.url", databaseUrl);
            return properties;
        }
        URI uri;
        try {
            uri = new URI(databaseUrl);
        } catch (Exception e) {
            throw new InvalidConfigurationException(VARIABLE, "<hidden>", "is not a URL of the form postgresql://user:password@host:port/db");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        boolean postgres = scheme.equals("postgresql") || scheme.equals("postgres") || scheme.startsWith("postgresql+");
        String path = uri.getRawPath() == null ? "" : uri.getRawPath().replaceFirst("^/", "");
        if (!postgres || uri.getHost() == null || path.isBlank()) {
            throw new InvalidConfigurationException(VARIABLE, "<hidden>", "is not a URL of the form postgresql://user:password@host:port/db");
        }
        int port = uri.getPort() == -1 ? 5432 : uri.getPort();
        String jdbc = "jdbc:postgresql://" + uri.getHost() + ":" + port + "/" + path
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        properties.put("spring.datasource.url", jdbc);
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            properties.put("spring.datasource.username", decode(colon < 0 ? userInfo : userInfo.substring(0, colon)));
            if (colon >= 0) {
                properties.put("spring.datasource.password", decode(userInfo.substring(colon + 1)));
            }
        }
        return properties;
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
