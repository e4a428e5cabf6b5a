package io.twoway.salesforce;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.twoway.config.TwowayProperties;
import io.twoway.customer.CustomerEvents;
import io.twoway.inbox.WebhookInbox;
import io.twoway.reconcile.MismatchRules;
import io.twoway.reconcile.ReconciliationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * Reconciliation of Salesforce (the {@code salesforce-reconcile-run} step), for what polling cannot see: a change
 * missed while the cursor was lost, deletes older than the recycle bin, a Contact changed by hand to match nothing.
 * It lists every Contact (SOQL, paged with query more) and compares each local customer with its Contact and with the
 * agreed state, then repairs through the normal paths, so that the same rules apply as in live sync: a local value
 * Salesforce lacks is staged for the sender; a Contact that changed (or that no local customer has) goes into the
 * inbox, where the merge applies it or records a conflict; a Contact gone from Salesforce after it was agreed is
 * deleted locally (a delete is never undone by a reconciliation), unless the customer changed locally since, which
 * recreates it. Customers changed within the grace period, or with a change staged, are in flight and left alone.
 * Each finding is a mismatch of the report, settled as it is found.
 */
public class SalesforceReconciler {

    public static final String REPORT_HEADER = "TwowaySalesforceReportId";
    private static final String SYSTEM = SalesforceOutbound.SYSTEM;
    private static final Logger LOG = LoggerFactory.getLogger(SalesforceReconciler.class);

    private final SalesforceClient client;
    private final SalesforceOutbound outbound;
    private final WebhookInbox inbox;
    private final ReconciliationStore store;
    private final JdbcTemplate jdbc;
    private final ObjectMapper json;
    private final TwowayProperties properties;

    public SalesforceReconciler(SalesforceClient client, SalesforceOutbound outbound, WebhookInbox inbox,
                                ReconciliationStore store, JdbcTemplate jdbc, ObjectMapper json, TwowayProperties properties) {
        this.client = client;
        this.outbound = outbound;
        this.inbox = inbox;
        this.store = store;
        this.jdbc = jdbc;
        this.json = json;
        this.properties = properties;
    }

    /** Opens a report (one run at a time); throws {@link io.twoway.reconcile.RunInProgress} while one runs. */
    public long start(String trigger, String requestedBy) {
        return start(trigger, requestedBy, null);
    }

    private long start(String trigger, String requestedBy, Instant scheduledFor) {
        return store.start(SYSTEM, trigger, requestedBy, scheduledFor, true, false, "newest", properties.reconciliation().abandonAfterSeconds());
    }

    /** The schedule's step: opens a report when Salesforce is enabled and none runs. */
    public void startScheduled(Exchange exchange) {
        if (!properties.salesforce().enabled()) {
            return;
        }
        try {
            java.util.Date fireTime = exchange.getMessage().getHeader("scheduledFireTime", java.util.Date.class);
            exchange.getMessage().setHeader(REPORT_HEADER, start("schedule", "scheduler", fireTime == null ? null : fireTime.toInstant()));
        } catch (RuntimeException e) {
            LOG.warn("Scheduled Salesforce reconciliation skipped: {}", e.getMessage());
        }
    }

    /** A local customer with its agreed Salesforce state, as the comparison reads it. */
    private record Local(long id, String name, String email, boolean active, long version, boolean recent, boolean staged,
                         String contactId, Long appliedVersion, String agreedName, String agreedEmail, boolean agreedDeleted) {}

    /** The run: returns the ids of the inbox events it stored, for the apply queue. */
    public List<String> run(Exchange exchange) {
        return run(exchange.getMessage().getHeader(REPORT_HEADER, Long.class));
    }

    public List<String> run(long reportId) {
        MDC.put("correlationId", "reconcile-salesforce-" + reportId);
        Map<String, Long> byKind = new TreeMap<>();
        Map<String, Object> progress = new LinkedHashMap<>();
        List<String> queued = new ArrayList<>();
        String status = "completed";
        String error = null;
        try {
            progress.put("phase", "listing_salesforce");
            Map<String, JsonNode> contacts = new HashMap<>();
            Map<Long, String> byCustomer = new HashMap<>();
            SalesforceClient.QueryPage page = client.query("SELECT " + ContactMapper.FIELDS + " FROM Contact ORDER BY Id");
            while (true) {
                for (JsonNode record : page.records()) {
                    ContactMapper.Contact contact = ContactMapper.Contact.of(record);
                    contacts.put(contact.id(), record);
                    if (contact.customerId() != null) {
                        byCustomer.put(contact.customerId(), contact.id());
                    }
                }
                if (page.nextRecordsUrl() == null) {
                    break;
                }
                page = client.queryMore(page.nextRecordsUrl());
            }
            progress.put("salesforce_listed", contacts.size());
            store.progress(reportId, progress, Map.of("by_kind", byKind));
            progress.put("phase", "comparing_local");
            Set<String> matched = new HashSet<>();
            List<JsonNode> toInbox = new ArrayList<>();
            long compared = 0;
            for (Local local : locals()) {
                compared++;
                String contactId = local.contactId() != null && contacts.containsKey(local.contactId()) ? local.contactId() : byCustomer.get(local.id());
                if (contactId != null) {
                    matched.add(contactId);
                }
                if (local.recent() || local.staged()) {
                    continue;
                }
                compare(reportId, local, contactId == null ? null : contacts.get(contactId), byKind, toInbox);
            }
            progress.put("local_compared", compared);
            progress.put("phase", "checking_salesforce_only");
            for (Map.Entry<String, JsonNode> contact : contacts.entrySet()) {
                ContactMapper.Contact c = ContactMapper.Contact.of(contact.getValue());
                if (!matched.contains(contact.getKey()) && c.active()) {
                    finding(reportId, byKind, new MismatchRules.Finding(null, c.id(), "missing_local", null, null, c.email(), null,
                            "import", "to_local", "a Contact no local customer has: applied through the inbox"));
                    toInbox.add(contact.getValue());
                }
            }
            queued.addAll(storeInInbox(reportId, toInbox));
            progress.put("phase", "done");
        } catch (RuntimeException e) {
            status = "failed";
            error = e.getClass().getSimpleName() + ": " + e.getMessage();
            LOG.error("Salesforce reconciliation {} failed: {}", reportId, error, e);
        } finally {
            store.finish(reportId, status, progress, Map.of("by_kind", byKind, "by_status", Map.of("resolved", byKind.values().stream().mapToLong(Long::longValue).sum())), error);
            LOG.info("Salesforce reconciliation {} {}: {}; mismatches {}", reportId, status, progress, byKind);
            MDC.remove("correlationId");
        }
        return queued;
    }

    private void compare(long reportId, Local local, JsonNode record, Map<String, Long> byKind, List<JsonNode> toInbox) {
        ContactMapper.Contact contact = record == null ? null : ContactMapper.Contact.of(record);
        boolean agreed = local.contactId() != null && !local.agreedDeleted();
        if (!local.active()) {
            if (contact != null && contact.active()) {
                finding(reportId, byKind, new MismatchRules.Finding(local.id(), contact.id(), "field_mismatch", "active", "false", "true", local.version(),
                        "push_local", "to_remote", "deleted locally, still in Salesforce: the delete is sent"));
                outbound.restage(local.id(), contact.id());
            }
            return;
        }
        if (contact == null || !contact.active()) {
            boolean changedSince = local.appliedVersion() == null || local.version() > local.appliedVersion();
            if (agreed && !changedSince) {
                finding(reportId, byKind, new MismatchRules.Finding(local.id(), local.contactId(), "missing_remote", null, null, null, local.version(),
                        "delete_local", "to_local", "deleted in Salesforce after it was agreed: deleted locally"));
                toInbox.add(json.createObjectNode().put("Id", local.contactId()).put("IsDeleted", true));
            } else {
                finding(reportId, byKind, new MismatchRules.Finding(local.id(), local.contactId(), "missing_remote", null, null, null, local.version(),
                        "push_local", "to_remote", agreed ? "gone from Salesforce but changed locally since: created again" : "never reached Salesforce: sent"));
                outbound.restage(local.id(), null);
            }
            return;
        }
        boolean remoteChanged = false;
        List<String> localOnly = new ArrayList<>();
        for (String field : CustomerEvents.SYNCED_FIELDS) {
            String ours = CustomerEvents.field(field, local.name(), local.email());
            String theirs = CustomerEvents.field(field, contact.name(), contact.email());
            if (Objects.equals(ours, theirs)) {
                continue;
            }
            String base = CustomerEvents.field(field, local.agreedName(), local.agreedEmail());
            if (local.contactId() != null && Objects.equals(ours, base)) {
                remoteChanged = true;
                finding(reportId, byKind, new MismatchRules.Finding(local.id(), contact.id(), "field_mismatch", field, ours, theirs, local.version(),
                        "apply_remote", "to_local", "changed in Salesforce, not read by polling: applied through the inbox"));
            } else {
                localOnly.add(field);
                finding(reportId, byKind, new MismatchRules.Finding(local.id(), contact.id(), "field_mismatch", field, ours, theirs, local.version(),
                        "push_local", "to_remote", "Salesforce lacks the local value: sent"));
            }
        }
        if (remoteChanged) {
            toInbox.add(record);
        } else if (!localOnly.isEmpty()) {
            outbound.restage(local.id(), contact.id());
        }
    }

    private void finding(long reportId, Map<String, Long> byKind, MismatchRules.Finding finding) {
        long id = store.insertMismatch(reportId, finding);
        store.settle(id, "resolved", finding.action(), finding.direction(), finding.note(), null, "reconciliation", Map.of("automatic", true));
        byKind.merge(finding.kind(), 1L, Long::sum);
    }

    /** Changes read by the reconciliation go through the inbox under ids of their own, never taken for ones applied before. */
    private List<String> storeInInbox(long reportId, List<JsonNode> records) {
        List<JsonNode> events = new ArrayList<>();
        Instant now = Instant.now();
        for (JsonNode record : records) {
            boolean deleted = record.path("IsDeleted").asBoolean(false);
            Instant at = deleted ? now : SalesforceTime.parse(record.path("SystemModstamp").asText());
            events.add(SalesforceInwardSync.inboxEvent(json, "sf_" + record.path("Id").asText() + "_reconcile_" + reportId, deleted ? SalesforceInwardSync.DELETED
                    : SalesforceInwardSync.CHANGED, at, record));
        }
        return inbox.storeAll(SYSTEM, events, type -> true);
    }

    private List<Local> locals() {
        return jdbc.query("""
                select c.id, c.name, c.email, c.is_active, c.version, c.updated_at > now() - make_interval(secs => ?) as recent,
                       exists(select 1 from integration_outbound o where o.system = ? and o.customer_id = c.id) as staged,
                       s.external_id, s.applied_version, s.name as agreed_name, s.email as agreed_email, coalesce(s.deleted, false) as agreed_deleted
                from customers c left join sync_state s on s.customer_id = c.id and s.system = ?
                order by c.id
                """, (rs, n) -> new Local(rs.getLong("id"), rs.getString("name"), rs.getString("email"), rs.getBoolean("is_active"), rs.getLong("version"),
                rs.getBoolean("recent"), rs.getBoolean("staged"), rs.getString("external_id"), (Long) rs.getObject("applied_version"),
                rs.getString("agreed_name"), rs.getString("agreed_email"), rs.getBoolean("agreed_deleted")),
                (double) properties.reconciliation().graceSeconds(), SYSTEM, SYSTEM);
    }
}
