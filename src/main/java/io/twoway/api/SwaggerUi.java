package io.twoway.api;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.springframework.stereotype.Component;

/**
 * HTTP API: Swagger UI at {@code /docs} (route {@code api-docs-serve-ui}), behind the token like every other path. The
 * page and its initializer are Twoway's ({@code static/docs/}: they point at {@code /openapi.json}); the scripts, styles
 * and icons come from the {@code org.webjars:swagger-ui} jar, whose version is read from the jar itself.
 */
@Component("swaggerUi")
public class SwaggerUi {

    static final String PATH = "/docs";
    private static final String OWN = "static/docs/";
    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "png", "image/png",
            "txt", "text/plain; charset=utf-8");

    private final ClassLoader loader = SwaggerUi.class.getClassLoader();
    private final String webjar;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    public SwaggerUi() {
        Properties pom = new Properties();
        try (InputStream in = loader.getResourceAsStream("META-INF/maven/org.webjars/swagger-ui/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the org.webjars:swagger-ui jar is not on the classpath");
            }
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.webjar = "META-INF/resources/webjars/swagger-ui/" + pom.getProperty("version") + "/";
    }

    /** {@code GET /docs} (and {@code /docs/}, which the guard serves as {@code /docs}) is the page; {@code /docs/<file>} one of its files. */
    public void serve(Exchange exchange) {
        Message message = exchange.getMessage();
        String path = message.getHeader(Exchange.HTTP_PATH, String.class);
        String name = PATH.equals(path) ? "index.html" : path != null && path.startsWith(PATH + "/") ? path.substring(PATH.length() + 1) : null;
        String type = name == null || !FILE.matcher(name).matches() ? null : TYPES.get(name.substring(name.lastIndexOf('.') + 1).toLowerCase(Locale.ROOT));
        byte[] body = type == null ? null : files.computeIfAbsent(name, this::read);
        if (body == null) {
            throw ApiException.notFound("Not found");
        }
        message.setHeader(Exchange.CONTENT_TYPE, type);
        message.setBody(body);
    }

    /** Twoway's own file of that name, else the webjar's; null when neither has it. */
    private byte[] read(String name) {
        for (String dir : new String[] {OWN, webjar}) {
            try (InputStream in = loader.getResourceAsStream(dir + name)) {
                if (in != null) {
                    return in.readAllBytes();
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return null;
    }
}
