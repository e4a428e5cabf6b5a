package io.twoway.salesforce;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.MeterRegistry;
import io.twoway.config.TwowayProperties;
import io.twoway.customer.CustomerEvents;
import io.twoway.stripe.CustomerSyncEvent;
import io.twoway.stripe.StripeSyncException;
import io.twoway.stripe.SyncLedger;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.kafka.KafkaConstants;
import org.apache.camel.component.kafka.consumer.KafkaManualCommit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Outward sync to Salesforce, in two steps. {@link #stage} (the {@code salesforce-customer-stage} route, a Kafka
 * consumer group of its own, in batches) keeps the newest change of each customer in {@code integration_outbound} and
 * only then commits the offsets; {@link #send} (the {@code salesforce-outbound-send} route) takes up to 200 due rows
 * and sends them in sObject Collections calls: an upsert by {@code Twoway_Customer_Id__c} for customers Salesforce
 * does not know yet (a retry or a replay finds the Contact it made), an update by Id of the changed fields for those it
 * knows (which also sets the external id on a Contact imported from Salesforce), and a delete. Each record is settled
 * by its own result: held by Salesforce (the agreed state moves, the row goes), retried with exponential backoff (row
 * lock, 5xx, no answer), or dead-lettered with Salesforce's error code (validation). A spent budget or an open breaker
 * sends nothing and keeps every row. The rows stay locked while their call runs, so several instances send disjoint
 * batches; a crash mid-call leaves the rows in place, and sending them again changes nothing more.
 */
public class SalesforceOutbound {

    public static final String SYSTEM = "salesforce";
    public static final String CONSUMER = "salesforce-customer-sync";
    public static final String DEAD_LETTER = "direct:salesforce-dead-letter";
    private static final Logger LOG = LoggerFactory.getLogger(SalesforceOutbound.class);

    private final SalesforceClient client;
    private final SyncLedger ledger;
    private final SalesforceBudget budget;
    private final CircuitBreaker breaker;
    private final JdbcTemplate jdbc;
    private final TransactionTemplate tx;
    private final ProducerTemplate producer;
    private final CamelContext camel;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final TwowayProperties.Salesforce settings;
    private final TwowayProperties.Retry retry;

    public SalesforceOutbound(SalesforceClient client, SyncLedger ledger, SalesforceBudget budget, CircuitBreaker salesforceCircuitBreaker, JdbcTemplate jdbc,
                              TransactionTemplate tx, CamelContext camel, ObjectMapper json, MeterRegistry meters, TwowayProperties properties) {
        this.client = client;
        this.ledger = ledger;
        this.budget = budget;
        this.breaker = salesforceCircuitBreaker;
        this.jdbc = jdbc;
        this.tx = tx;
        this.camel = camel;
        this.producer = camel.createProducerTemplate();
        this.json = json;
        this.meters = meters;
        this.settings = properties.salesforce();
        this.retry = properties.retry();
    }

    /**
     * A batch of customer events from Kafka: each is staged (or skipped: it came from Salesforce, or Salesforce holds
     * its version already), then each partition's offset is committed. A database failure is retried here until it
     * passes, because an exception in a Kafka batch would move past these records.
     */
    public void stage(Exchange batch) throws InterruptedException {
        @SuppressWarnings("unchecked")
        List<Exchange> records = batch.getMessage().getBody(List.class);
        List<Object[]> rows = new ArrayList<>();
        List<CustomerSyncEvent> ownOrigin = new ArrayList<>();
        for (Exchange record : records) {
            var in = record.getMessage();
            CustomerSyncEvent event;
            try {
                event = CustomerSyncEvent.parse(in.getHeader("eventId", String.class), in.getHeader("eventType", String.class), in.getBody(String.class))
                        .readAt(in.getHeader(KafkaConstants.PARTITION, Integer.class), in.getHeader(KafkaConstants.OFFSET, Long.class));
            } catch (StripeSyncException.Permanent malformed) {
                deadLetter(in.getBody(String.class), headersOf(record), malformed.getMessage(), malformed.stripeCode(), 0, 0);
                continue;
            }
            if (SYSTEM.equals(event.origin())) {
                ownOrigin.add(event);
                continue;
            }
            rows.add(new Object[] {SYSTEM, event.customerId(), event.version(), event.eventId(), event.eventType(), in.getBody(String.class),
                    event.changed().toArray(String[]::new), write(headersOf(record)), event.partition(), event.offset()});
        }
        long backoff = 500;
        while (true) {
            try {
                tx.executeWithoutResult(status -> {
                    jdbc.batchUpdate("""
                            insert into integration_outbound (system, customer_id, version, event_id, event_type, payload, changed, headers,
                                                              kafka_partition, kafka_offset)
                            select ?, ?, ?, ?, ?, ?, ?::varchar[], ?::jsonb, ?, ?
                            where not exists (select 1 from sync_state s where s.customer_id = ? and s.system = ? and s.applied_version >= ?)
                            on conflict (system, customer_id) do update set
                                version = excluded.version, event_id = excluded.event_id, event_type = excluded.event_type, payload = excluded.payload,
                                changed = array(select distinct unnest(integration_outbound.changed || excluded.changed)),
                                headers = excluded.headers, kafka_partition = excluded.kafka_partition, kafka_offset = excluded.kafka_offset,
                                attempts = 0, next_attempt_at = now(), last_error = null, enqueued_at = now()
                            where integration_outbound.version < excluded.version
                            """, rows.stream().map(r -> new Object[] {r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8], r[9], r[1], SYSTEM, r[2]})
                            .toList());
                    for (CustomerSyncEvent event : ownOrigin) {
                        // Salesforce holds this change already: it came from there
                        ledger.confirmOwnChange(SYSTEM, event.customerId(), event.version());
                        ledger.markProcessed(CONSUMER, event, "skipped: the change came from Salesforce");
                    }
                });
                break;
            } catch (DataAccessException e) {
                if (!camel.isStarted() || camel.isStopping()) {
                    throw e;
                }
                LOG.warn("Cannot stage {} customer events for Salesforce ({}); trying again in {} ms", records.size(), e.getMostSpecificCause().getMessage(), backoff);
                Thread.sleep(backoff);
                backoff = Math.min(backoff * 2, 10_000);
            }
        }
        meters.counter("twoway.salesforce.staged").increment(rows.size());
        commit(records);
    }

    /** Commits, per partition, the offset after the last record of the batch. */
    private static void commit(List<Exchange> records) {
        Map<Integer, Exchange> last = new HashMap<>();
        records.forEach(r -> last.put(r.getMessage().getHeader(KafkaConstants.PARTITION, Integer.class), r));
        last.values().forEach(r -> r.getMessage().getHeader(KafkaConstants.MANUAL_COMMIT, KafkaManualCommit.class).commit());
    }

    /** Sends due batches until none is left or sending must wait; the number of records Salesforce settled. */
    public int send() {
        client.checkSpentBudget();
        int settled = 0;
        for (int batches = 0; batches < 20 && !budget.isStopped(); batches++) {
            Integer sent = tx.execute(status -> sendBatch());
            if (sent == null || sent < 0) {
                return settled;
            }
            settled += sent;
        }
        return settled;
    }

    /**
     * A staged change with what Salesforce is agreed to hold, the fields the changes it gathers changed, and the fields
     * an open conflict holds back from it.
     */
    private record Row(long customerId, long version, String eventId, String eventType, String payload, Set<String> changed,
                       Map<String, Object> headers, Integer partition, Long offset, int attempts, String externalId, long appliedVersion,
                       Set<String> held) {

        CustomerSyncEvent event() {
            return CustomerSyncEvent.parse(eventId, eventType, payload).readAt(partition, offset);
        }

        /**
         * The fields this change writes: all of them to a Contact Salesforce does not know yet; to one it knows, only
         * those changed here (a field edited in Salesforce meanwhile is left to the poller, not overwritten); never
         * one an open conflict holds.
         */
        Set<String> sent() {
            Set<String> sent = new java.util.LinkedHashSet<>(externalId == null ? CustomerEvents.SYNCED_FIELDS : changed);
            sent.removeAll(held);
            return sent;
        }
    }

    /** One batch in one transaction; -1 when there was nothing to send or the call must wait. */
    private int sendBatch() {
        // the claim locks the due rows in index order first; only those are joined with their agreed state and conflicts
        List<Row> rows = jdbc.query("""
                with claimed as (
                    select customer_id from integration_outbound where system = ? and next_attempt_at <= now()
                    order by next_attempt_at, customer_id limit ? for update skip locked)
                select o.customer_id, o.version, o.event_id, o.event_type, o.payload, o.changed, o.headers, o.kafka_partition, o.kafka_offset,
                       o.attempts, s.external_id, coalesce(s.applied_version, -1) as applied_version,
                       array(select distinct jsonb_object_keys(c.fields) from conflicts c
                             where c.customer_id = o.customer_id and c.system = o.system and c.status = 'open') as held
                from claimed k join integration_outbound o on o.system = ? and o.customer_id = k.customer_id
                left join sync_state s on s.customer_id = o.customer_id and s.system = o.system
                order by o.next_attempt_at, o.customer_id
                """, this::row, SYSTEM, settings.batchSize(), SYSTEM);
        if (rows.isEmpty()) {
            return -1;
        }
        List<Row> upserts = new ArrayList<>();
        List<Row> updates = new ArrayList<>();
        List<Row> deletes = new ArrayList<>();
        int settled = 0;
        for (Row row : rows) {
            if (row.appliedVersion() >= row.version()) {
                settle(row, "skipped: version " + row.appliedVersion() + " is already in Salesforce");
                settled++;
            } else if (CustomerEvents.DELETED.equals(row.eventType()) && !settings.deactivateOnDelete()) {
                if (row.externalId() == null) {
                    recordAgreed(row, null, true);
                    settle(row, "applied: never in Salesforce, nothing to delete");
                    settled++;
                } else {
                    deletes.add(row);
                }
            } else if (row.externalId() == null) {
                upserts.add(row);
            } else {
                updates.add(row);
            }
        }
        if (!upserts.isEmpty()) {
            int done = call(upserts, () -> client.upsertContacts(upserts.stream().map(this::record).toList()), false);
            if (done < 0) {
                return settled > 0 ? settled : -1;
            }
            settled += done;
        }
        if (!updates.isEmpty()) {
            int done = call(updates, () -> client.updateContacts(updates.stream().map(this::updateRecord).toList()), false);
            if (done < 0) {
                return settled > 0 ? settled : -1;
            }
            settled += done;
        }
        if (!deletes.isEmpty()) {
            int done = call(deletes, () -> client.deleteContacts(deletes.stream().map(Row::externalId).toList()), true);
            settled += Math.max(0, done);
        }
        return settled;
    }

    /**
     * One collections call for these rows, each settled by its own result; -1 when the call must wait (the budget is
     * spent, or the breaker is open).
     */
    private int call(List<Row> rows, java.util.function.Supplier<List<SalesforceClient.RecordResult>> call, boolean delete) {
        if (!breaker.tryAcquirePermission()) {
            return -1;
        }
        long start = System.nanoTime();
        try {
            List<SalesforceClient.RecordResult> results = call.get();
            breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            return settleAll(rows, results, delete);
        } catch (SalesforceException e) {
            return callFailed(rows, e, start);
        }
    }

    /** A whole call failed: wait (budget), retry later with backoff, or dead-letter each record (a refused request). */
    private int callFailed(List<Row> rows, SalesforceException e, long start) {
        switch (e.kind()) {
            case BUDGET -> {
                breaker.releasePermission();
                LOG.info("Salesforce batch of {} waits for the API budget: {}", rows.size(), e.getMessage());
                return -1;
            }
            case RETRYABLE -> {
                breaker.onError(System.nanoTime() - start, TimeUnit.NANOSECONDS, e);
                rows.forEach(row -> retryLater(row, e.errorCode(), e.getMessage(), e.httpStatus()));
                LOG.warn("Salesforce batch of {} failed and is retried with backoff: {}", rows.size(), e.getMessage());
                return 0;
            }
            default -> {
                breaker.onSuccess(System.nanoTime() - start, TimeUnit.NANOSECONDS);
                rows.forEach(row -> deadLetter(row, e.errorCode(), e.getMessage(), e.httpStatus()));
                return rows.size();
            }
        }
    }

    private int settleAll(List<Row> rows, List<SalesforceClient.RecordResult> results, boolean delete) {
        int settled = 0;
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            SalesforceClient.RecordResult result = i < results.size() ? results.get(i) : null;
            String code = result == null ? "NO_RESULT" : result.errorCode();
            boolean gone = delete && ("ENTITY_IS_DELETED".equals(code) || "NOT_FOUND".equals(code) || "INVALID_CROSS_REFERENCE_KEY".equals(code));
            if (result != null && (result.success() || gone)) {
                String contactId = delete ? row.externalId() : result.id();
                recordAgreed(row, contactId, delete);
                settle(row, delete ? "applied: deleted Contact " + contactId
                        : (result.created() ? "applied: created Contact " : "applied: updated Contact ") + contactId);
                settled++;
            } else if (SalesforceException.kindOf(code, 200) == SalesforceException.Kind.RETRYABLE || result == null) {
                retryLater(row, code, result == null ? "no result for this record" : result.message(), 200);
            } else {
                deadLetter(row, code, result.message(), 200);
                settled++;
            }
        }
        return settled;
    }

    /**
     * Reconciliation: stages the customer's current state to be sent again, as if Salesforce held no version of it;
     * {@code contactId} is the Contact it is known by now (null: none, so the upsert by external id creates one).
     */
    public void restage(long customerId, String contactId) {
        tx.executeWithoutResult(status -> {
            Map<String, Object> customer = jdbc.queryForMap("select id, name, email, is_active, version from customers where id = ?", customerId);
            long version = ((Number) customer.get("version")).longValue();
            Map<String, Object> payload = new LinkedHashMap<>(customer);
            payload.remove("is_active");
            payload.put("origin", CustomerEvents.ORIGIN_RECONCILE);
            String type = Boolean.TRUE.equals(customer.get("is_active")) ? CustomerEvents.UPDATED : CustomerEvents.DELETED;
            String eventId = "reconcile-" + java.util.UUID.randomUUID();
            jdbc.update("""
                    insert into sync_state (customer_id, system, external_id, applied_version) values (?, ?, ?, ?)
                    on conflict (customer_id, system) do update set external_id = excluded.external_id,
                        applied_version = least(sync_state.applied_version, excluded.applied_version)
                    """, customerId, SYSTEM, contactId, version - 1);
            jdbc.update("""
                    insert into integration_outbound (system, customer_id, version, event_id, event_type, payload, headers)
                    values (?, ?, ?, ?, ?, ?, ?::jsonb)
                    on conflict (system, customer_id) do update set version = excluded.version, event_id = excluded.event_id,
                        event_type = excluded.event_type, payload = excluded.payload, changed = excluded.changed, headers = excluded.headers, attempts = 0,
                        next_attempt_at = now(), last_error = null, enqueued_at = now()
                    """, SYSTEM, customerId, version, eventId, type, write(payload),
                    write(Map.of("eventId", eventId, "eventType", type, "correlationId", eventId)));
        });
    }

    /** What waits to be sent: staged changes, those waiting for a retry, and the oldest one's age. */
    public Map<String, Object> backlog() {
        return jdbc.queryForMap("""
                select count(*) as staged, count(*) filter (where attempts > 0) as retrying,
                       coalesce(extract(epoch from now() - min(enqueued_at)), 0)::bigint as oldest_age_seconds
                from integration_outbound where system = ?
                """, SYSTEM);
    }

    /** The Contact's fields for this change: those it sends ({@link Row#sent}), the external id and the active flag. */
    private Map<String, Object> record(Row row) {
        CustomerSyncEvent event = row.event();
        boolean active = !CustomerEvents.DELETED.equals(row.eventType());
        Map<String, Object> record = ContactMapper.upsertRecord(row.customerId(), event.name(), event.email(), active);
        Set<String> sent = row.sent();
        if (!sent.contains(CustomerEvents.NAME)) {
            record.remove(ContactMapper.FIRST_NAME);
            record.remove(ContactMapper.LAST_NAME);
        }
        if (!sent.contains(CustomerEvents.EMAIL)) {
            record.remove(ContactMapper.EMAIL);
        }
        return record;
    }

    /** A Contact Salesforce knows by Id: updated by it, which also sets the external id on one imported from Salesforce. */
    private Map<String, Object> updateRecord(Row row) {
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("id", row.externalId());
        record.putAll(record(row));
        return record;
    }

    /** Salesforce holds this version now: the agreed state moves (never backwards); a field not sent keeps its agreed value. */
    private void recordAgreed(Row row, String contactId, boolean deleted) {
        CustomerSyncEvent event = row.event();
        ledger.recordSent(SYSTEM, row.customerId(), contactId, row.version(), row.sent().contains(CustomerEvents.NAME) ? event.name() : null,
                row.sent().contains(CustomerEvents.EMAIL) ? event.email() : null, deleted);
    }

    private void settle(Row row, String outcome) {
        jdbc.update("delete from integration_outbound where system = ? and customer_id = ?", SYSTEM, row.customerId());
        ledger.markProcessed(CONSUMER, row.event(), outcome);
        meters.counter("twoway.salesforce.sync", "outcome", outcome.substring(0, outcome.indexOf(':'))).increment();
    }

    private void retryLater(Row row, String code, String message, int httpStatus) {
        int attempts = row.attempts() + 1;
        if (attempts >= retry.maxAttempts()) {
            deadLetter(row, code, "gave up after " + attempts + " attempts: " + message, httpStatus);
            return;
        }
        long delayMs = Math.min(retry.maxDelayMs(), retry.initialDelayMs() << Math.min(20, attempts - 1));
        jdbc.update("""
                update integration_outbound set attempts = ?, next_attempt_at = now() + make_interval(secs => ?), last_error = ?
                where system = ? and customer_id = ?
                """, attempts, delayMs / 1000.0, code + ": " + message, SYSTEM, row.customerId());
        meters.counter("twoway.salesforce.retries", "error_code", String.valueOf(code)).increment();
    }

    private void deadLetter(Row row, String code, String message, int httpStatus) {
        deadLetter(row.payload(), withSource(row), message, code, httpStatus, row.attempts() + 1);
        settle(row, "dead-lettered: " + code);
        LOG.warn("Customer {} v{} dead-lettered for Salesforce: {} {}", row.customerId(), row.version(), code, message);
    }

    /** To the integration's DLQ topic with the original message and the error headers, and kept for /admin/dlq. */
    private void deadLetter(String payload, Map<String, Object> headers, String message, String code, int httpStatus, int attempts) {
        Map<String, Object> all = new LinkedHashMap<>(headers);
        all.put("twoway_consumer", CONSUMER);
        all.put("twoway_error_class", "SalesforceError");
        all.put("twoway_error_code", code);
        all.put("twoway_error_message", message);
        all.put("twoway_error_http_status", httpStatus);
        all.put("twoway_error_attempts", attempts);
        producer.sendBodyAndHeaders(DEAD_LETTER, payload, all);
    }

    private Map<String, Object> withSource(Row row) {
        Map<String, Object> headers = new LinkedHashMap<>(row.headers());
        headers.put("twoway_source_partition", row.partition());
        headers.put("twoway_source_offset", row.offset());
        return headers;
    }

    private static Map<String, Object> headersOf(Exchange record) {
        var in = record.getMessage();
        Map<String, Object> headers = new LinkedHashMap<>();
        for (String name : List.of("eventId", "eventType", "correlationId", "aggregateType", "aggregateId")) {
            if (in.getHeader(name) != null) {
                headers.put(name, in.getHeader(name, String.class));
            }
        }
        Object key = in.getHeader(KafkaConstants.KEY);
        if (key != null) {
            headers.put(KafkaConstants.KEY, String.valueOf(key));
        }
        headers.put("twoway_source_topic", in.getHeader(KafkaConstants.TOPIC, String.class));
        headers.put("twoway_source_partition", in.getHeader(KafkaConstants.PARTITION));
        headers.put("twoway_source_offset", in.getHeader(KafkaConstants.OFFSET));
        return headers;
    }

    private Row row(ResultSet rs, int n) throws SQLException {
        Map<String, Object> headers;
        try {
            @SuppressWarnings("unchecked")
            Map<String, Object> read = json.readValue(rs.getString("headers"), Map.class);
            headers = read;
        } catch (JsonProcessingException e) {
            headers = Map.of();
        }
        return new Row(rs.getLong("customer_id"), rs.getLong("version"), rs.getString("event_id"), rs.getString("event_type"),
                rs.getString("payload"), Set.of((String[]) rs.getArray("changed").getArray()), headers, (Integer) rs.getObject("kafka_partition"), (Long) rs.getObject("kafka_offset"),
                rs.getInt("attempts"), rs.getString("external_id"), rs.getLong("applied_version"),
                Set.of((String[]) rs.getArray("held").getArray()));
    }

    private String write(Object value) {
        try {
            return json.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
