package io.twoway.stripe;

import io.twoway.api.ApiException;
import io.twoway.customer.Customer;
import io.twoway.customer.CustomerEvents;
import io.twoway.customer.CustomerRepository;
import io.twoway.customer.CustomerService;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

/**
 * Outward sync: what an operator does with a dead letter. A replay sends the customer's current state again through
 * the outbox (a new version; a deleted customer's delete), so it re-enters the pipeline behind every newer change of
 * that customer and never brings back an old snapshot; a create it carries looks the customer up in Stripe first, so
 * that a lost answer, even past Stripe's 24 hours of idempotency, never makes a second one. A discard only closes it.
 */
@Service
public class DeadLetterReplay {

    private final DeadLetterStore store;
    private final CustomerRepository customers;
    private final CustomerService catalog;

    public DeadLetterReplay(DeadLetterStore store, CustomerRepository customers, CustomerService catalog) {
        this.store = store;
        this.customers = customers;
        this.catalog = catalog;
    }

    @Transactional
    public String replay(long id, String actor) {
        Map<String, Object> letter = open(id);
        if (!(letter.get("customer_id") instanceof Number customerId)) {
            throw new ApiException(409, "Dead letter " + id + " names no customer; discard it");
        }
        Customer customer = customers.lock(customerId.longValue())
                .orElseThrow(() -> new ApiException(409, "Customer " + customerId + " of dead letter " + id + " does not exist; discard it"));
        String type = customer.active() ? CustomerEvents.UPDATED : CustomerEvents.DELETED;
        Customer sent = catalog.republish(customer.id(), type, customer.active() ? CustomerEvents.SYNCED_FIELDS : List.of(),
                CustomerEvents.ORIGIN_REPLAY, "dlq-" + id);
        store.settle(id, DeadLetterStore.REPLAYED, sent.version(), actor, Map.of("event_type", type, "version", sent.version()));
        return "replayed as " + type + " version " + sent.version() + " of customer " + customer.id();
    }

    @Transactional
    public String discard(long id, String actor) {
        open(id);
        store.settle(id, DeadLetterStore.DISCARDED, null, actor, Map.of());
        return "discarded";
    }

    private Map<String, Object> open(long id) {
        Map<String, Object> letter = store.lock(id).orElseThrow(() -> ApiException.notFound("Dead letter " + id + " not found"));
        if (!DeadLetterStore.OPEN.equals(letter.get("status"))) {
            throw new ApiException(409, "Dead letter " + id + " is already " + letter.get("status"));
        }
        return letter;
    }
}
