package io.twoway.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;

/** The benchmark's view of outbox_events: empty it, bulk-fill it in one transaction, watch it drain. */
final class OutboxTable {

    /** ~300-byte customer snapshot, the shape CustomerService writes, built server-side for 'i' in generate_series. */
    private static final String SEED = """
            insert into outbox_events (id, aggregate_type, aggregate_id, event_type, payload, correlation_id)
            select gen_random_uuid(), 'customer', c::text, 'CustomerUpdated',
                   jsonb_build_object('id', c, 'name', 'Customer ' || c || ' Example Trading Company Ltd',
                                      'email', 'customer.' || c || '@example-customers.com',
                                      'stripe_customer_id', 'cus_' || substr(md5(c::text), 1, 14),
                                      'is_active', true, 'version', 1 + i / ?,
                                      'created_at', '2025-01-15T09:30:00.123456Z', 'updated_at', to_char(now(), 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                                      'correlation_id', corr),
                   corr
            from (select i, 1 + (i % ?) as c, gen_random_uuid()::text as corr from generate_series(0, ? - 1) i) s
            """;

    private final DataSource dataSource;

    OutboxTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    void truncate() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("truncate outbox_events");
        }
    }

    /** Inserts n unpublished events in one transaction; returns the highest seq, the last row any relay will take. */
    long seed(int n, int customers) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement insert = c.prepareStatement(SEED)) {
                insert.setInt(1, customers);
                insert.setInt(2, customers);
                insert.setInt(3, n);
                insert.executeUpdate();
            }
            long maxSeq;
            try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery("select max(seq) from outbox_events")) {
                rs.next();
                maxSeq = rs.getLong(1);
            }
            c.commit();
            c.setAutoCommit(true);
            return maxSeq;
        }
    }

    void analyze() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement()) {
            s.execute("vacuum analyze outbox_events");
        }
    }

    double averagePayloadBytes() throws SQLException {
        return scalarDouble("select coalesce(avg(octet_length(payload::text)), 0) from outbox_events");
    }

    long unpublished() throws SQLException {
        return (long) scalarDouble("select count(*) from outbox_events where published_at is null");
    }

    /** Polls the row with the given seq every millisecond until it is published; returns System.nanoTime() then. */
    long awaitPublished(long seq, long timeoutMs) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        try (Connection c = dataSource.getConnection();
             PreparedStatement q = c.prepareStatement("select published_at is not null from outbox_events where seq = ?")) {
            q.setLong(1, seq);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = q.executeQuery()) {
                    if (rs.next() && rs.getBoolean(1)) {
                        return System.nanoTime();
                    }
                }
                Thread.sleep(1);
            }
        }
        throw new IllegalStateException("outbox row seq " + seq + " not published within " + timeoutMs + " ms");
    }

    private double scalarDouble(String sql) throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getDouble(1);
        }
    }
}
