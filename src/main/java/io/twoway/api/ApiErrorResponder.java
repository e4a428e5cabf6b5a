package io.twoway.api;

import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** HTTP API: turns an exception from a REST route into the error envelope and its status. */
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
        } else {
            status = 500;
            body = ApiResponses.errorJson("Internal server error", List.of());
            LOG.error("Request failed [correlationId={}]", out.getHeader(ApiHttpServer.CORRELATION_HEADER), cause);
        }
        out.setHeader(Exchange.HTTP_RESPONSE_CODE, status);
        out.setHeader(Exchange.CONTENT_TYPE, "application/json");
        out.setBody(body);
    }
}
