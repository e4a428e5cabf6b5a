package io.twoway.customer;

import io.twoway.api.ApiRequests;
import io.twoway.api.ApiResponses;
import io.twoway.api.ApiHttpServer;
import io.twoway.config.TwowayProperties;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.Message;
import org.slf4j.MDC;
import org.springframework.stereotype.Component;

/** Customer catalog: the HTTP side of the {@code /customers} routes: reads the request, answers in the envelope. */
@Component("customerApi")
public class CustomerApi {

    private final CustomerService service;
    private final int maxPageSize;
    private final int maxBodyBytes;

    public CustomerApi(CustomerService service, TwowayProperties properties) {
        this.service = service;
        this.maxPageSize = properties.api().maxPageSize();
        this.maxBodyBytes = properties.api().maxBodyBytes();
    }

    public Map<String, Object> create(Exchange exchange) {
        Message in = exchange.getMessage();
        CustomerInput input = CustomerInput.forCreate(in.getHeader(Exchange.CONTENT_TYPE, String.class), ApiRequests.body(in, maxBodyBytes));
        Customer created = service.create(input, correlationId(in));
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
        return ApiResponses.success("Customer created successfully", created.toJson());
    }

    public Map<String, Object> list(Exchange exchange) {
        Message in = exchange.getMessage();
        int skip = ApiRequests.queryInt(in, "skip", 0, Integer.MAX_VALUE, 0);
        int limit = ApiRequests.queryInt(in, "limit", 1, maxPageSize, 100);
        return ApiResponses.success(null, service.list(skip, limit).stream().map(Customer::toJson).toList());
    }

    public Map<String, Object> get(Exchange exchange) {
        return ApiResponses.success(null, service.get(ApiRequests.pathId(exchange.getMessage(), "id", "Customer")).toJson());
    }

    public Map<String, Object> update(Exchange exchange) {
        Message in = exchange.getMessage();
        long id = ApiRequests.pathId(in, "id", "Customer");
        CustomerInput input = CustomerInput.forUpdate(in.getHeader(Exchange.CONTENT_TYPE, String.class), ApiRequests.body(in, maxBodyBytes));
        return ApiResponses.success("Customer updated successfully", service.update(id, input, correlationId(in)).toJson());
    }

    public Map<String, Object> delete(Exchange exchange) {
        Message in = exchange.getMessage();
        Customer deleted = service.delete(ApiRequests.pathId(in, "id", "Customer"), correlationId(in));
        return ApiResponses.success("Customer deleted successfully", Map.of("customer_id", deleted.id(), "deleted", true));
    }

    /** The request's correlation id, also put in the logging context of the thread that serves the request. */
    private static String correlationId(Message in) {
        String correlationId = in.getHeader(ApiHttpServer.CORRELATION_HEADER, String.class);
        if (correlationId != null) {
            MDC.put("correlationId", correlationId);
        }
        return correlationId;
    }
}
