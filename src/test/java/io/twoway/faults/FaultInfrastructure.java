package io.twoway.faults;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.twoway.sandbox.StripeSandbox;
import io.twoway.testsupport.LocalInfrastructure;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What a fault test runs Twoway against: a {@link RestartablePostgres}, a {@link RestartableKafka} and a Stripe
 * sandbox, each on its own fixed port so that a stop and start (of the database, the broker, or Twoway itself) keeps
 * every address. {@link #jdbc()} queries the database directly, failing within about a second while it is down.
 */
public final class FaultInfrastructure implements AutoCloseable {

    public final RestartablePostgres postgres;
    public final RestartableKafka kafka;
    public final StripeSandbox stripe;
    private final HikariDataSource dataSource;
    private final JdbcTemplate jdbc;

    private FaultInfrastructure() {
        RestartablePostgres pg = null;
        RestartableKafka broker = null;
        try {
            pg = new RestartablePostgres();
            broker = new RestartableKafka();
            this.stripe = StripeSandbox.start(0);
        } catch (RuntimeException e) {
            if (broker != null) {
                broker.close();
            }
            if (pg != null) {
                pg.close();
            }
            throw e;
        }
        this.postgres = pg;
        this.kafka = broker;
        HikariConfig config = new HikariConfig();
        config.setPoolName("fault-test-db");
        config.setJdbcUrl(pg.jdbcUrl());
        config.setUsername(pg.user());
        config.setPassword(pg.password());
        config.setMaximumPoolSize(4);
        config.setMinimumIdle(0);
        config.setConnectionTimeout(1000);
        config.setValidationTimeout(500);
        // the pool starts even when the database is down at that moment
        config.setInitializationFailTimeout(-1);
        this.dataSource = new HikariDataSource(config);
        this.jdbc = new JdbcTemplate(dataSource);
    }

    /** Starts PostgreSQL, Kafka and the Stripe sandbox on free ports. */
    public static FaultInfrastructure start() {
        return new FaultInfrastructure();
    }

    /** The properties that point Twoway at these components (the keys of {@link LocalInfrastructure#properties()}). */
    public Map<String, String> properties() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("spring.datasource.url", postgres.jdbcUrl());
        p.put("spring.datasource.username", postgres.user());
        p.put("spring.datasource.password", postgres.password());
        p.put("twoway.kafka.bootstrap-servers", kafka.bootstrapServers());
        p.put("twoway.stripe.api-base", stripe.baseUrl());
        p.put("twoway.stripe.api-key", LocalInfrastructure.SANDBOX_API_KEY);
        return p;
    }

    /** A small pool on the database (connection time-out 1 s). */
    public DataSource dataSource() {
        return dataSource;
    }

    public JdbcTemplate jdbc() {
        return jdbc;
    }

    /** {@code select count(*) ...} and the like: a single long (0 for null). */
    public long count(String sql, Object... args) {
        Long n = jdbc.queryForObject(sql, Long.class, args);
        return n == null ? 0 : n;
    }

    @Override
    public void close() {
        try {
            dataSource.close();
        } finally {
            try {
                stripe.close();
            } finally {
                try {
                    kafka.close();
                } finally {
                    postgres.close();
                }
            }
        }
    }
}
