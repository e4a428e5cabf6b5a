package io.twoway.customer;

import io.twoway.api.ApiRequests;
import io.twoway.api.ApiResponses;
import io.twoway.api.RequestGuardFilter;
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

    public CustomerApi(CustomerService service, TwowayProperties properties) {
        this.service = service;
        this.maxPageSize = properties.api().maxPageSize();
    }

    public Map<String, Object> create(Exchange exchange) {
        Message in = exchange.getMessage();
        CustomerInput input = CustomerInput.forCreate(in.getHeader(Exchange.CONTENT_TYPE, String.class), in.getBody(String.class));
        Customer created = service.create(input, correlationId(in));
        in.setHeader(Exchange.HTTP_RESPONSE_CODE, 201);
        return ApiResponses.success("Customer created successfully", created.toJson());
    }

    public Map<String, Object> list(Exchange exchange) {
        Message in = exchange.getMessage();
        int skip = queryInt(in, "skip", 0, Integer.MAX_VALUE, 0);
        int limit = queryInt(in, "limit", 1, maxPageSize, 100);
        return ApiResponses.success(null, service.list(skip, limit).stream().map(Customer::toJson).toList());
    }

    public Map<String, Object> get(Exchange exchange) {
        return ApiResponses.success(null, service.get(id(exchange.getMessage())).toJson());
    }

    public Map<String, Object> update(Exchange exchange) {
        Message in = exchange.getMessage();
        long id = id(in);
        CustomerInput input = CustomerInput.forUpdate(in.getHeader(Exchange.CONTENT_TYPE, String.class), in.getBody(String.class));
        return ApiResponses.success("Customer updated successfully", service.update(id, input, correlationId(in)).toJson());
    }

    public Map<String, Object> delete(Exchange exchange) {
        Message in = exchange.getMessage();
        Customer deleted = service.delete(id(in), correlationId(in));
        return ApiResponses.success("Customer deleted successfully", Map.of("customer_id", deleted.id(), "deleted", true));
    }

    private static long id(Message in) {
        return ApiRequests.pathId(in, "id", "Customer");
    }

    private static int queryInt(Message in, String name, int min, int max, int fallback) {
        return ApiRequests.queryInt(in, name, min, max, fallback);
    }

    /** The request's correlation id, also put in the logging context of the thread that serves the request. */
    private static String correlationId(Message in) {
        String correlationId = in.getHeader(RequestGuardFilter.CORRELATION_HEADER, String.class);
        if (correlationId != null) {
            MDC.put("correlationId", correlationId);
        }
        return correlationId;
    }
}
