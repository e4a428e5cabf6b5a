package io.twoway.customer;

import io.twoway.api.ApiException;
import io.twoway.outbox.OutboxWriter;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
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
        ensureEmailFree(input.email(), -1);
        Customer created = uniqueEmail(() -> customers.insert(input.name(), input.email()));
        outbox.append(CustomerEvents.AGGREGATE, String.valueOf(created.id()), CustomerEvents.CREATED, created.toJson(), correlationId);
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
        Customer updated = uniqueEmail(() -> customers.update(id, name, email));
        outbox.append(CustomerEvents.AGGREGATE, String.valueOf(id), CustomerEvents.UPDATED, updated.toJson(), correlationId);
        return updated;
    }

    /** Soft delete: the row stays, inactive, and Stripe is told to delete its customer. */
    @Transactional
    public Customer delete(long id, String correlationId) {
        customers.lockActive(id).orElseThrow(() -> notFound(id));
        Customer deleted = customers.deactivate(id);
        outbox.append(CustomerEvents.AGGREGATE, String.valueOf(id), CustomerEvents.DELETED, deleted.toJson(), correlationId);
        return deleted;
    }

    @Transactional(readOnly = true)
    public Customer get(long id) {
        return customers.findActive(id).orElseThrow(() -> notFound(id));
    }

    @Transactional(readOnly = true)
    public List<Customer> list(int skip, int limit) {
        return customers.listActive(skip, limit);
    }

    private void ensureEmailFree(String email, long exceptId) {
        if (customers.activeEmailTaken(email, exceptId)) {
            throw emailTaken();
        }
    }

    /** The pre-check gives the usual answer; the unique index settles a race between two requests. */
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
