package io.twoway.bench;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;

/** The benchmark's view of webhook_events: wait for the apply backlog to drain, read when each event was applied. */
final class InboxTable {

    private final DataSource dataSource;

    InboxTable(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    long pending() throws SQLException {
        try (Connection c = dataSource.getConnection(); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select count(*) from webhook_events where status = 'pending'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Polls every 100 ms until no event is pending; false when some still are after the timeout. */
    boolean awaitNoPending(long timeoutMs) throws SQLException, InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (pending() > 0) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(100);
        }
        return true;
    }

    /**
     * Applied events of the customers whose Stripe id starts with the prefix: Stripe id to {@code processed_at} in epoch
     * microseconds. processed_at is {@code now()} in the apply transaction, i.e. that transaction's start.
     */
    Map<String, Long> appliedEpochMicros(String objectIdPrefix) throws SQLException {
        Map<String, Long> applied = new LinkedHashMap<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement q = c.prepareStatement("""
                select object_id, (extract(epoch from processed_at) * 1000000)::bigint from webhook_events
                where starts_with(object_id, ?) and status = 'applied'
                """)) {
            q.setString(1, objectIdPrefix);
            try (ResultSet rs = q.executeQuery()) {
                while (rs.next()) {
                    applied.put(rs.getString(1), rs.getLong(2));
                }
            }
        }
        return applied;
    }
}
