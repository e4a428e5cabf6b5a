package io.twoway.customer;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/** Customer catalog: SQL for the {@code customers} table. */
@Repository
public class CustomerRepository {

    private static final String COLUMNS = "id, name, email, stripe_customer_id, is_active, version, origin, created_at, updated_at";

    private final JdbcTemplate jdbc;

    public CustomerRepository(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public Customer insert(String name, String email) {
        return jdbc.queryForObject("insert into customers (name, email) values (?, ?) returning " + COLUMNS, this::map, name, email);
    }

    /** A customer that exists in another system first (an inward create), linked to its external id. */
    public Customer insertLinked(String name, String email, String stripeCustomerId, String origin) {
        return jdbc.queryForObject("insert into customers (name, email, stripe_customer_id, origin) values (?, ?, ?, ?) returning " + COLUMNS,
                this::map, name, email, stripeCustomerId, origin);
    }

    /** A deleted customer that stands for a Stripe customer Twoway is about to delete there (reconciliation). */
    public Customer insertTombstone(String name, String email, String stripeCustomerId, String origin) {
        return jdbc.queryForObject("insert into customers (name, email, stripe_customer_id, origin, is_active) values (?, ?, ?, ?, false) returning " + COLUMNS,
                this::map, name, email, stripeCustomerId, origin);
    }

    /** Locks the row, active or not. */
    public Optional<Customer> lock(long id) {
        return jdbc.query("select " + COLUMNS + " from customers where id = ? for update", this::map, id).stream().findFirst();
    }

    public Optional<Customer> lockByStripeId(String stripeCustomerId) {
        return jdbc.query("select " + COLUMNS + " from customers where stripe_customer_id = ? for update", this::map, stripeCustomerId)
                .stream().findFirst();
    }

    /** The active customer with this email (case-insensitive) that is not linked to Stripe yet, locked. */
    public Optional<Customer> lockActiveUnlinkedByEmail(String email) {
        return jdbc.query("select " + COLUMNS + " from customers where lower(email) = lower(?) and is_active and stripe_customer_id is null for update",
                this::map, email).stream().findFirst();
    }

    /** The id of another active customer that holds this email (case-insensitive). */
    public Optional<Long> activeEmailHolder(String email, long exceptId) {
        return jdbc.queryForList("select id from customers where lower(email) = lower(?) and is_active and id <> ? limit 1", Long.class, email, exceptId)
                .stream().findFirst();
    }

    public Optional<Customer> findActive(long id) {
        return jdbc.query("select " + COLUMNS + " from customers where id = ? and is_active", this::map, id).stream().findFirst();
    }

    /** Locks the active row for the rest of the transaction, so concurrent changes of one customer queue up. */
    public Optional<Customer> lockActive(long id) {
        return jdbc.query("select " + COLUMNS + " from customers where id = ? and is_active for update", this::map, id).stream().findFirst();
    }

    public Optional<Customer> find(long id) {
        return jdbc.query("select " + COLUMNS + " from customers where id = ?", this::map, id).stream().findFirst();
    }

    public List<Customer> listActive(int skip, int limit) {
        return jdbc.query("select " + COLUMNS + " from customers where is_active order by id limit ? offset ?", this::map, limit, skip);
    }

    public Customer update(long id, String name, String email, String origin) {
        return jdbc.queryForObject("update customers set name = ?, email = ?, origin = ?, version = version + 1, updated_at = now() where id = ? returning " + COLUMNS,
                this::map, name, email, origin, id);
    }

    public Customer deactivate(long id, String origin) {
        return jdbc.queryForObject("update customers set is_active = false, origin = ?, version = version + 1, updated_at = now() where id = ? returning " + COLUMNS,
                this::map, origin, id);
    }

    public Customer reactivate(long id, String origin) {
        return jdbc.queryForObject("update customers set is_active = true, origin = ?, version = version + 1, updated_at = now() where id = ? returning " + COLUMNS,
                this::map, origin, id);
    }

    /** Forgets the Stripe id (the customer is created in Stripe again); not a catalog change. */
    public void unlinkStripeCustomer(long id) {
        jdbc.update("update customers set stripe_customer_id = null where id = ?", id);
    }

    /** A new version with the same values: the write that carries a push of local values to another system. */
    public Customer touch(long id, String origin) {
        return jdbc.queryForObject("update customers set origin = ?, version = version + 1, updated_at = now() where id = ? returning " + COLUMNS,
                this::map, origin, id);
    }

    /** Records the Stripe id that a create produced; not a catalog change, so no version bump and no outbox event. */
    public void linkStripeCustomer(long id, String stripeCustomerId) {
        jdbc.update("update customers set stripe_customer_id = ? where id = ? and stripe_customer_id is distinct from ?", stripeCustomerId, id, stripeCustomerId);
    }

    private Customer map(ResultSet rs, int row) throws SQLException {
        return new Customer(rs.getLong("id"), rs.getString("name"), rs.getString("email"), rs.getString("stripe_customer_id"),
                rs.getBoolean("is_active"), rs.getLong("version"), rs.getString("origin"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
    }
}
