package io.twoway.faults;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Embedded PostgreSQL (zonky) on a fixed loopback port with a data directory under {@code target/faults/pg-<n>} that
 * outlives {@link #stop()}: {@link #start()} brings the same server back on the same port with its data. The stop is
 * a fast shutdown ({@code pg_ctl stop -m fast}): open connections are broken, committed data stays.
 */
public final class RestartablePostgres implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";
    public static final String DATABASE = "postgres";

    static {
        FaultLogging.quietInfrastructure();
    }

    private final FaultDirectory claimed;
    private final Path directory;
    private final int port;
    private final Thread shutdownHook;
    private EmbeddedPostgres postgres;

    /** Picks a free port, initialises a fresh data directory and starts the server. */
    public RestartablePostgres() {
        this.port = TwowayProcess.freePort();
        this.claimed = FaultDirectory.claim("pg");
        this.directory = claimed.path;
        // one hook for every incarnation (zonky would add one per start): no postmaster outlives the test JVM
        shutdownHook = new Thread(this::stop, "restartable-postgres-" + port + "-stop");
        Runtime.getRuntime().addShutdownHook(shutdownHook);
        try {
            start();
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public int port() {
        return port;
    }

    public Path directory() {
        return directory;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
    }

    public String user() {
        return USER;
    }

    public String password() {
        return PASSWORD;
    }

    public synchronized boolean isRunning() {
        return postgres != null;
    }

    /** Starts the server on its port and data directory (initdb only the first time); no-op when running. */
    public synchronized void start() {
        if (postgres != null) {
            return;
        }
        try {
            postgres = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setDataDirectory(directory)
                    .setCleanDataDirectory(false)
                    .setRegisterShutdownHook(false)
                    // zonky turns it off for speed; a fault suite wants a commit to be a commit
                    .setServerConfig("synchronous_commit", "on")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setPGStartupWait(Duration.ofSeconds(30))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start PostgreSQL on port " + port + " in " + directory, e);
        }
    }

    /** A fast shutdown: the server ends its sessions, checkpoints and exits; the data directory stays. */
    public synchronized void stop() {
        if (postgres == null) {
            return;
        }
        EmbeddedPostgres p = postgres;
        postgres = null;
        try {
            p.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot stop PostgreSQL on port " + port, e);
        }
    }

    /** Stops it, then starts it again on the same port and data. */
    public void restart() {
        stop();
        start();
    }

    @Override
    public synchronized void close() {
        try {
            stop();
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(shutdownHook);
            } catch (IllegalStateException e) {
                // the JVM is already shutting down
            }
            claimed.close();
        }
    }
}
