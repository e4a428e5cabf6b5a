package io.twoway.api;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.CannotCreateTransactionException;

/**
 * HTTP API: turns an exception from a REST route into the error envelope and its status: the route's own (an
 * {@link ApiException}), 503 with {@code Retry-After} while the database is out of reach, 500 for anything else.
 */
@Component("apiErrorResponder")
public class ApiErrorResponder {

    private static final Logger LOG = LoggerFactory.getLogger(ApiErrorResponder.class);

    public void respond(Exchange exchange) {
        Exception cause = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        Message out = exchange.getMessage();
        int status;
        String body;
        if (cause instanceof ApiException api) {
            status = api.status();
            body = ApiResponses.errorJson(api.getMessage(), api.errors(), api.data());
        } else if (databaseUnavailable(cause)) {
            // the change was not made (its transaction never began or rolled back): the caller may send it again
            status = 503;
            body = ApiResponses.errorJson("The database is unavailable; nothing was changed. Retry later.", List.of());
            out.setHeader("Retry-After", "5");
            LOG.warn("Request refused, the database is unavailable [correlationId={}]: {}", out.getHeader(ApiHttpServer.CORRELATION_HEADER),
                    cause.getMessage());
        } else {
            status = 500;
            body = ApiResponses.errorJson("Internal server error", List.of());
            LOG.error("Request failed [correlationId={}]", out.getHeader(ApiHttpServer.CORRELATION_HEADER), cause);
        }
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(body);
    }

    /** No connection to the database, or one that broke: not the request's fault, and over once the database is back. */
    static boolean databaseUnavailable(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof CannotGetJdbcConnectionException || t instanceof CannotCreateTransactionException
                    || t instanceof java.sql.SQLTransientConnectionException
                    || t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    // 08: connection exceptions; 57P01-03: the server is shutting down, crashed, or starting
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().matches("57P0[123]"))) {
                return true;
            }
        }
        return false;
    }
}
