package io.twoway.salesforcesandbox;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A stateful local stand-in for the Salesforce REST API ({@value #API_VERSION}) of one org whose only sObject is
 * Contact: the OAuth token endpoint, sObject Rows, sObject Collections, SOQL query/queryAll/query more, the deleted
 * resource and /limits, with Salesforce's shapes and errors. The login URL and the instance URL are both
 * {@link #baseUrl()}. This class is the lifecycle and the test-facing Java API; {@code /_sandbox/} offers some of the
 * same controls over HTTP (see {@link SandboxControls}).
 *
 * <p>Every authenticated call under /services/data counts 1 toward the daily usage (a collections call too), except
 * {@code GET /limits}: it is neither counted nor refused over the limit nor faulted, so that a client can always read
 * where it stands. Calls refused for a bad session, the limit or an injected fault other than LOCK are not counted.
 */
public final class SalesforceSandbox implements AutoCloseable {

    public static final String API_VERSION = "v62.0";
    public static final String ORG_ID = "00D000000000001AAA";
    public static final String EXTERNAL_ID_FIELD = "Twoway_Customer_Id__c";
    /** The integration's connected app; its tokens act as {@link #INTEGRATION_USER_ID}. */
    public static final String CLIENT_ID = "twoway-local";
    public static final String CLIENT_SECRET = "twoway-local-secret";
    public static final String INTEGRATION_USER_ID = "005000000000001AAA";
    /** A person's login, for edits "made in Salesforce" by hand; its tokens act as {@link #ADMIN_USER_ID}. */
    public static final String ADMIN_CLIENT_ID = "local-admin";
    public static final String ADMIN_CLIENT_SECRET = "local-admin-secret";
    public static final String ADMIN_USER_ID = "005000000000002AAA";

    static final String DATA_PATH = "/services/data/" + API_VERSION;
    private static final String NO_DELAY = "sun.net.httpserver.nodelay";

    static {
        // The JDK server writes a response's headers and body separately: with Nagle's algorithm and the client's
        // delayed ACK, that costs ~40 ms a response. Read once, when the JVM's first HttpServer starts.
        if (System.getProperty(NO_DELAY) == null) {
            System.setProperty(NO_DELAY, "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final SandboxClock clock = new SandboxClock();
    private final ContactStore store = new ContactStore(clock);
    private final ApiUsage usage = new ApiUsage();
    private final FaultInjector faults = new FaultInjector();
    private final QueryResource queries = new QueryResource(store);
    private final DeletedResource deleted = new DeletedResource(store, clock);
    private final Sessions sessions;
    private final ApiHandler handler;

    private SalesforceSandbox(int port) throws IOException {
        AtomicInteger threads = new AtomicInteger();
        executor = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "salesforce-sandbox-http-" + threads.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        server = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 128);
        sessions = new Sessions(clock, baseUrl());
        handler = new ApiHandler(clock, sessions, usage, faults, new ApiHandler.Resources(
                new RecordResource(store), new CollectionsResource(store), queries, deleted));
        server.createContext("/", handler);
        server.createContext(SandboxControls.PREFIX, new SandboxControls(this));
        server.setExecutor(executor);
        server.start();
    }

    /** Starts on 127.0.0.1; port 0 picks a free port. */
    public static SalesforceSandbox start(int port) {
        try {
            return new SalesforceSandbox(port);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start Salesforce sandbox on port " + port, e);
        }
    }

    /** {@code http://127.0.0.1:PORT}: the login URL and the instance URL. */
    public String baseUrl() {
        return "http://127.0.0.1:" + port();
    }

    public int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }

    /**
     * Back to how {@link #start(int)} left it: no Contacts, rules, tokens, faults, query cursors or logged requests;
     * usage 0; every setting (clock included) at its default. Contact ids keep counting.
     */
    public void reset() {
        clock.set(Clock.systemUTC());
        store.reset();
        sessions.reset();
        usage.reset();
        faults.clear();
        queries.reset();
        deleted.reset();
        handler.clearRequests();
    }

    /** The clock for write stamps, token expiry, the request log and the deleted resource; the system's by default. */
    public void setClock(Clock clock) {
        this.clock.set(clock);
    }

    /** How long tokens issued from now on stay valid; 2 hours by default. */
    public void setTokenLifetime(Duration lifetime) {
        sessions.lifetime(lifetime);
    }

    /** Invalidates every token issued so far: the next API call with one answers 401 INVALID_SESSION_ID. */
    public void expireSessions() {
        sessions.expireAll();
    }

    /** The daily API request limit; 100000 by default. */
    public void setDailyLimit(int max) {
        usage.max(max);
    }

    public int dailyLimit() {
        return usage.max();
    }

    /** Sets the API requests used today; at or over the limit, calls answer 403 REQUEST_LIMIT_EXCEEDED. */
    public void setUsage(int used) {
        usage.used(used);
    }

    public int usage() {
        return usage.used();
    }

    /** Records per query page for queries started from now on; 2000 by default. */
    public void setQueryBatchSize(int batchSize) {
        queries.batchSize(batchSize);
    }

    /**
     * The deleted resource's {@code earliestDateAvailable}, as after a purged recycle bin: records deleted before it
     * are no longer listed. By default 15 days before the sandbox started, to the minute.
     */
    public void setEarliestDateAvailable(Instant earliest) {
        deleted.earliestDateAvailable(earliest);
    }

    /**
     * A duplicate rule: when on, a write that would leave a Contact with the Email (ignoring case) of another live
     * Contact fails with DUPLICATES_DETECTED. Off by default.
     */
    public void setDuplicateRuleBlocksEmail(boolean blocks) {
        store.duplicateRuleBlocksEmail(blocks);
    }

    /**
     * A validation rule: a write that would leave a Contact with {@code field} equal to {@code value} (compared as
     * text; null = unset) fails with {@code errorCode} and {@code message}, per record inside collections. Like
     * Salesforce's rules it looks at the record as saved, so it also stops a write of other fields to such a record.
     * API writes and the *AsAdmin methods meet it; {@link #seedContact(Map)} does not.
     */
    public void addValidationRule(String field, String value, String errorCode, String message) {
        ContactField f = ContactField.named(field)
                .orElseThrow(() -> new IllegalArgumentException("Contact has no field " + field));
        if (errorCode == null || errorCode.isBlank()) {
            throw new IllegalArgumentException("errorCode is required");
        }
        store.addValidationRule(new ContactStore.ValidationRule(f, value, errorCode, message));
    }

    /**
     * The next {@code count} API calls under /services/data that carry a valid token, /limits excepted, get
     * {@code fault}, after the faults already queued. Token calls are never faulted.
     */
    public void failNext(int count, Fault fault) {
        faults.failNext(count, fault);
    }

    /** Delays every API answer under /services/data by {@code latency}; zero by default. */
    public void setLatency(Duration latency) {
        faults.latency(latency);
    }

    /** Drops the queued faults and the latency. */
    public void clearFaults() {
        faults.clear();
    }

    /** Every request answered (controls excepted), in arrival order. */
    public List<RecordedRequest> requests() {
        return handler.requests();
    }

    /** The requests under /services/data other than GET, in arrival order. */
    public List<RecordedRequest> writeRequests() {
        return requests().stream()
                .filter(r -> r.path().startsWith("/services/data/") && !r.method().equals("GET"))
                .toList();
    }

    public void clearRequests() {
        handler.clearRequests();
    }

    /** Any known Contact, deleted ones too, by its 15- or 18-character id. */
    public Optional<Contact> contact(String id) {
        return store.find(id);
    }

    /** The live Contact with this {@value #EXTERNAL_ID_FIELD}. */
    public Optional<Contact> contactByExternalId(String customerId) {
        return store.findByCustomerId(customerId);
    }

    /** The live Contacts, in creation order. */
    public List<Contact> contacts() {
        return store.all(false);
    }

    /**
     * Test setup: a Contact that was there before the test, created as {@link #ADMIN_USER_ID}, checked like any
     * write except against the duplicate and validation rules (the data predates them). Counts and logs nothing.
     * Returns its id.
     *
     * @throws IllegalArgumentException with the Salesforce error code, when a field is unknown or a value is invalid
     */
    public String seedContact(Map<String, Object> fields) {
        return writeAsAdmin(new ContactChange.Create(input(fields)), false);
    }

    /** Creates a Contact as if a person did in Salesforce (user {@link #ADMIN_USER_ID}); returns its id. */
    public String createAsAdmin(Map<String, Object> fields) {
        return writeAsAdmin(new ContactChange.Create(input(fields)), true);
    }

    /** Changes a Contact as if a person did in Salesforce: its SystemModstamp moves, LastModifiedById is the admin. */
    public void editAsAdmin(String id, Map<String, Object> fields) {
        writeAsAdmin(new ContactChange.Update(id, input(fields)), true);
    }

    /** Deletes a Contact as if a person did in Salesforce. */
    public void deleteAsAdmin(String id) {
        writeAsAdmin(new ContactChange.Delete(id), true);
    }

    private String writeAsAdmin(ContactChange change, boolean orgRules) {
        WriteResult result = store.write(List.of(change), true, new Writer(ADMIN_USER_ID, null, orgRules)).get(0);
        if (!result.success()) {
            throw new IllegalArgumentException(result.error().code() + ": " + result.error().getMessage());
        }
        return result.id();
    }

    private static Map<ContactField, Object> input(Map<String, Object> fields) {
        try {
            return ContactInput.fields(fields);
        } catch (SalesforceException e) {
            throw new IllegalArgumentException(e.code() + ": " + e.getMessage());
        }
    }
}
