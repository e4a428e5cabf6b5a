package io.twoway.customer;

import io.twoway.api.ApiException;
import io.twoway.outbox.OutboxWriter;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Propagation;
import org.springframework.transaction.annotation.Transactional;

/** Customer catalog: every change writes the row and its outbox event in one transaction. */
@Service
public class CustomerService {

    private final CustomerRepository customers;
    private final OutboxWriter outbox;

    public CustomerService(CustomerRepository customers, OutboxWriter outbox) {
        this.customers = customers;
        this.outbox = outbox;
    }

    @Transactional
    public Customer create(CustomerInput input, String correlationId) {
        // no look-up first: the unique index answers a taken email, and the failed insert rolls the transaction back
        Customer created = uniqueEmail(() -> customers.insert(input.name(), input.email()));
        emit(CustomerEvents.CREATED, created, CustomerEvents.SYNCED_FIELDS, correlationId);
        return created;
    }

    /** Applies the given fields; a change that alters nothing writes nothing and is not synced. */
    @Transactional
    public Customer update(long id, CustomerInput input, String correlationId) {
        Customer current = customers.lockActive(id).orElseThrow(() -> notFound(id));
        String name = input.name() != null ? input.name() : current.name();
        String email = input.email() != null ? input.email() : current.email();
        if (name.equals(current.name()) && email.equals(current.email())) {
            return current;
        }
        if (!email.equalsIgnoreCase(current.email())) {
            ensureEmailFree(email, id);
        }
        return writeFields(current, Map.of(CustomerEvents.NAME, name, CustomerEvents.EMAIL, email), CustomerEvents.ORIGIN_API, correlationId);
    }

    /** Soft delete: the row stays, inactive, and Stripe is told to delete its customer. */
    @Transactional
    public Customer delete(long id, String correlationId) {
        customers.lockActive(id).orElseThrow(() -> notFound(id));
        return deactivate(id, CustomerEvents.ORIGIN_API, correlationId);
    }

    /**
     * Writes the given field values (a subset of the synced fields) to a locked row, with an outbox event that carries
     * the origin and names the fields that changed. Fields equal to the current value are not written; nothing changed
     * means no write and no event.
     */
    @Transactional(propagation = Propagation.MANDATORY)
    public Customer writeFields(Customer current, Map<String, String> values, String origin, String correlationId) {
        List<String> changed = CustomerEvents.SYNCED_FIELDS.stream()
                .filter(f -> values.get(f) != null && !values.get(f).equals(current.field(f))).toList();
        if (changed.isEmpty()) {
            return current;
        }
        String name = values.getOrDefault(CustomerEvents.NAME, current.name());
        String email = values.getOrDefault(CustomerEvents.EMAIL, current.email());
        Customer updated = uniqueEmail(() -> customers.update(current.id(), name, email, origin));
        emit(CustomerEvents.UPDATED, updated, changed, correlationId);
        return updated;
    }

    /** A customer first seen in another system: created already linked, with an event of that origin. */
    @Transactional(propagation = Propagation.MANDATORY)
    public Customer importLinked(String name, String email, String stripeCustomerId, String origin, String correlationId) {
        Customer created = uniqueEmail(() -> customers.insertLinked(name, email, stripeCustomerId, origin));
        emit(CustomerEvents.CREATED, created, CustomerEvents.SYNCED_FIELDS, correlationId);
        return created;
    }

    @Transactional(propagation = Propagation.MANDATORY)
    public Customer deactivate(long id, String origin, String correlationId) {
        Customer deleted = customers.deactivate(id, origin);
        emit(CustomerEvents.DELETED, deleted, List.of(), correlationId);
        return deleted;
    }

    /** Sends the current values of {@code fields} to the other systems again (a new version, nothing else changes). */
    @Transactional(propagation = Propagation.MANDATORY)
    public Customer push(long id, Collection<String> fields, String origin, String correlationId) {
        return republish(id, CustomerEvents.UPDATED, fields, origin, correlationId);
    }

    /** Sends the customer's current state again as an event of {@code type} (a new version, nothing else changes). */
    @Transactional(propagation = Propagation.MANDATORY)
    public Customer republish(long id, String type, Collection<String> fields, String origin, String correlationId) {
        Customer touched = customers.touch(id, origin);
        emit(type, touched, List.copyOf(fields), correlationId);
        return touched;
    }

    private void emit(String type, Customer customer, List<String> changed, String correlationId) {
        Map<String, Object> payload = customer.toJson();
        payload.put("changed", changed);
        outbox.append(CustomerEvents.AGGREGATE, String.valueOf(customer.id()), type, payload, correlationId);
    }

    /** One statement, so no transaction around it: that saved a round trip and the transaction manager on every read. */
    public Customer get(long id) {
        return customers.findActive(id).orElseThrow(() -> notFound(id));
    }

    public List<Customer> list(int skip, int limit) {
        return customers.listActive(skip, limit);
    }

    public void ensureEmailFree(String email, long exceptId) {
        if (customers.activeEmailHolder(email, exceptId).isPresent()) {
            throw emailTaken();
        }
    }

    /** A write that the unique email index refuses is answered 409, whether or not a look-up came first. */
    private static Customer uniqueEmail(Supplier<Customer> write) {
        try {
            return Objects.requireNonNull(write.get());
        } catch (DuplicateKeyException e) {
            throw emailTaken();
        }
    }

    private static ApiException emailTaken() {
        return new ApiException(409, "Email is already used by another active customer",
                List.of(ApiException.fieldError("email", "already used by another active customer")));
    }

    private static ApiException notFound(long id) {
        return ApiException.notFound("Customer " + id + " not found");
    }
}
