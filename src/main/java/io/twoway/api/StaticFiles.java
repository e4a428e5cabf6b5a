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

/**
 * HTTP API: the files of one web page under its path ({@code /docs}, {@code /console}): the path itself is the page
 * ({@code index.html}), {@code <path>/<file>} one of its files, Twoway's own ({@code static/<dir>/}) first, then the
 * library's webjar, whose version is read from the jar itself. Anything else is 404 in the error envelope.
 */
public final class StaticFiles {

    private static final Pattern FILE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "png", "image/png",
            "svg", "image/svg+xml",
            "txt", "text/plain; charset=utf-8");

    private final ClassLoader loader = StaticFiles.class.getClassLoader();
    private final String path;
    private final String own;
    private final String webjar;
    private final Map<String, byte[]> files = new ConcurrentHashMap<>();

    /** {@code dir}: under {@code static/}; the webjar by its Maven coordinates, and the folder of its files inside it. */
    public StaticFiles(String path, String dir, String webjarGroup, String webjarArtifact, String webjarFolder) {
        this.path = path;
        this.own = "static/" + dir + "/";
        Properties pom = new Properties();
        try (InputStream in = loader.getResourceAsStream("META-INF/maven/" + webjarGroup + "/" + webjarArtifact + "/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the " + webjarGroup + ":" + webjarArtifact + " jar is not on the classpath");
            }
            pom.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.webjar = "META-INF/resources/webjars/" + webjarArtifact + "/" + pom.getProperty("version") + "/" + webjarFolder;
    }

    /** Answers the file the request's path names, with its content type. */
    public void serve(Exchange exchange) {
        Message message = exchange.getMessage();
        String requested = message.getHeader(Exchange.HTTP_PATH, String.class);
        String name = path.equals(requested) ? "index.html"
                : requested != null && requested.startsWith(path + "/") ? requested.substring(path.length() + 1) : null;
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
        for (String dir : new String[] {own, webjar}) {
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
