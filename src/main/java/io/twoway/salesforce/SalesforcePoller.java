package io.twoway.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.micrometer.core.instrument.MeterRegistry;
import io.twoway.config.TwowayProperties;
import io.twoway.inbox.WebhookInbox;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Inward sync from Salesforce by polling, as Heroku Connect does (the {@code salesforce-poll} route). Each read asks for
 * the Contacts whose {@code SystemModstamp} is at or after the stored cursor, less an overlap for writes committed
 * late (SOQL, ordered by SystemModstamp and Id, paged with query more), and for the Contacts deleted since the last
 * window ({@code getDeleted}). Each change goes into the webhook inbox as an event of source {@code salesforce}
 * (id {@code sf_<Contact Id>_<SystemModstamp ms>}, so the overlap's repeats are dropped), and the same apply route takes
 * it. The cursors ({@code integration_cursors}) move after each stored page, so a restart resumes where the last read
 * stopped. A deleted-records window older than Salesforce keeps (about 15 days) is a gap: it is logged, counted and
 * shown in the status, and a reconciliation must close it.
 */
public class SalesforcePoller {

    static final String MODSTAMP = "modstamp";
    static final String DELETED = "deleted";
    private static final Logger LOG = LoggerFactory.getLogger(SalesforcePoller.class);

    private final SalesforceClient client;
    private final SalesforceBudget budget;
    private final WebhookInbox inbox;
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final MeterRegistry meters;
    private final Clock clock;
    private final Duration overlap;
    private volatile Instant lastRead;
    private volatile Instant deletesGapSince;
    private java.util.function.Consumer<Instant> gapFound = since -> { };

    public SalesforcePoller(SalesforceClient client, SalesforceBudget budget, WebhookInbox inbox, JdbcTemplate jdbc, ObjectMapper json,
                            MeterRegistry meters, Clock clock, TwowayProperties properties) {
        this.client = client;
        this.budget = budget;
        this.inbox = inbox;
        this.jdbc = jdbc;
        this.json = json;
        this.meters = meters;
        this.clock = clock;
        this.overlap = Duration.ofSeconds(properties.salesforce().pollOverlapSeconds());
    }

    /** What to do when the deleted-records window no longer reaches the cursor: start a reconciliation. */
    public void onGap(java.util.function.Consumer<Instant> action) {
        this.gapFound = action;
    }

    /** One read of both feeds; the ids of the new pending inbox events, for the apply queue. Nothing while the budget is spent. */
    public List<String> poll() {
        client.checkSpentBudget();
        if (budget.isStopped()) {
            return List.of();
        }
        Instant now = clock.instant();
        List<String> fresh = new ArrayList<>();
        try {
            fresh.addAll(readChanges(cursor(MODSTAMP, now)));
            fresh.addAll(readDeletes(cursor(DELETED, now), now));
            lastRead = now;
        } catch (SalesforceException e) {
            // the cursors hold what was stored; the next read goes on from there
            LOG.warn("Salesforce read failed, tried again in the next poll: {}", e.getMessage());
        }
        if (!fresh.isEmpty()) {
            LOG.info("Read {} new Contact changes from Salesforce", fresh.size());
        }
        return fresh;
    }

    private List<String> readChanges(Instant since) {
        String soql = "SELECT " + ContactMapper.FIELDS + " FROM Contact WHERE SystemModstamp >= " + SalesforceTime.soql(since.minus(overlap))
                + " ORDER BY SystemModstamp, Id";
        List<String> fresh = new ArrayList<>();
        SalesforceClient.QueryPage page = client.query(soql);
        while (true) {
            List<JsonNode> events = new ArrayList<>();
            Instant newest = since;
            for (JsonNode record : page.records()) {
                Instant modstamp = SalesforceTime.parse(record.path("SystemModstamp").asText());
                String id = record.path("Id").asText();
                events.add(SalesforceInwardSync.inboxEvent(json, "sf_" + id + "_" + modstamp.toEpochMilli(), SalesforceInwardSync.CHANGED, modstamp, record));
                newest = modstamp.isAfter(newest) ? modstamp : newest;
            }
            fresh.addAll(inbox.storeAll(SalesforceOutbound.SYSTEM, events, type -> true));
            move(MODSTAMP, newest);
            if (page.nextRecordsUrl() == null) {
                return fresh;
            }
            page = client.queryMore(page.nextRecordsUrl());
        }
    }

    private List<String> readDeletes(Instant since, Instant now) {
        if (!since.minus(overlap).isBefore(now)) {
            return List.of(); // the window has not opened yet
        }
        SalesforceClient.Deleted deleted = client.deletedContacts(since.minus(overlap), now);
        if (deleted.earliestDateAvailable() != null && deleted.earliestDateAvailable().isAfter(since.minus(overlap))) {
            if (deletesGapSince == null) {
                deletesGapSince = since;
                meters.counter("twoway.salesforce.deletes.gap").increment();
                LOG.warn("Salesforce keeps deleted Contacts only since {}, and deletes were last read up to {}: deletes in between are lost to "
                        + "polling; a reconciliation of Salesforce closes the gap", deleted.earliestDateAvailable(), since);
                gapFound.accept(since);
            }
        } else {
            deletesGapSince = null;
        }
        List<JsonNode> events = new ArrayList<>();
        for (Map.Entry<String, Instant> record : deleted.records()) {
            ObjectNode object = json.createObjectNode().put("Id", record.getKey()).put("IsDeleted", true);
            events.add(SalesforceInwardSync.inboxEvent(json, "sf_" + record.getKey() + "_deleted", SalesforceInwardSync.DELETED, record.getValue(), object));
        }
        List<String> fresh = inbox.storeAll(SalesforceOutbound.SYSTEM, events, type -> true);
        move(DELETED, deleted.latestDateCovered() == null ? now : deleted.latestDateCovered());
        return fresh;
    }

    /** The stored cursor; a first read starts now (Contacts that existed before come in through a reconciliation). */
    private Instant cursor(String name, Instant now) {
        List<String> stored = jdbc.queryForList("select position from integration_cursors where system = ? and name = ?", String.class,
                SalesforceOutbound.SYSTEM, name);
        if (!stored.isEmpty()) {
            return Instant.parse(stored.get(0));
        }
        jdbc.update("insert into integration_cursors (system, name, position) values (?, ?, ?) on conflict do nothing",
                SalesforceOutbound.SYSTEM, name, now.toString());
        return now;
    }

    /** Moves a cursor forward, never back (another instance may have read further). */
    private void move(String name, Instant to) {
        jdbc.update("""
                update integration_cursors set position = ?, updated_at = now()
                where system = ? and name = ? and position::timestamptz < ?::timestamptz
                """, to.toString(), SalesforceOutbound.SYSTEM, name, to.toString());
    }

    /** For {@code /admin/integrations/status}. */
    public Map<String, Object> snapshot() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("mode", "polling");
        view.put("last_read", lastRead == null ? null : lastRead.toString());
        jdbc.query("select name, position from integration_cursors where system = ?", rs -> {
            view.put("cursor_" + rs.getString(1), rs.getString(2));
        }, SalesforceOutbound.SYSTEM);
        view.put("deletes_gap_since", deletesGapSince == null ? null : deletesGapSince.toString());
        return view;
    }
}
