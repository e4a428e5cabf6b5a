package io.twoway.salesforcesandbox;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Thread-safe Contact state, in creation order, with the org's rules. A write call applies its records one by one under
 * one lock and with one write time (SystemModstamp never goes backwards, even when the clock does); when an allOrNone
 * call has a failure, its successes are undone before the lock is released, so no other call sees part of it.
 * Validation rules look at the record as it would be saved, as Salesforce's do, whichever fields the write gave.
 */
final class ContactStore {

    /** A record whose {@code field} would hold {@code value} (null = unset) fails with this code and message. */
    record ValidationRule(ContactField field, String value, String code, String message) {

        boolean rejects(Contact contact) {
            Object actual = contact.value(field);
            return Objects.equals(value, actual == null ? null : String.valueOf(actual));
        }
    }

    private static final Pattern EMAIL = Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+"
            + "@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+");

    private final SandboxClock clock;
    private final Map<String, Contact> byId = new LinkedHashMap<>();
    private final Map<String, String> liveIdByCustomerId = new HashMap<>();
    private final List<ValidationRule> validationRules = new ArrayList<>();
    private boolean duplicateRuleBlocksEmail;
    private long createdCount;
    private Instant lastWrite = Instant.EPOCH;

    ContactStore(SandboxClock clock) {
        this.clock = clock;
    }

    /**
     * Applies the changes in order and answers one result per change, in the same order. With {@code allOrNone}, one
     * failure undoes every success (reported as ALL_OR_NONE_OPERATION_ROLLED_BACK).
     */
    synchronized List<WriteResult> write(List<ContactChange> changes, boolean allOrNone, Writer writer) {
        Instant at = writeTime();
        Set<String> repeated = repeatedCustomerIds(changes);
        Map<String, Contact> undo = new HashMap<>(); // id -> the version before this call; null when it created it
        List<WriteResult> results = new ArrayList<>(changes.size());
        for (ContactChange change : changes) {
            try {
                results.add(apply(change, at, writer, repeated, undo));
            } catch (SalesforceException e) {
                results.add(WriteResult.failed(knownId(change), e));
            }
        }
        if (!allOrNone || results.stream().allMatch(WriteResult::success)) {
            return results;
        }
        undo.forEach(this::restore);
        return results.stream().map(r -> r.success() ? r.rolledBack() : r).toList();
    }

    /**
     * The live Contact with this id (15 or 18 characters).
     *
     * @throws SalesforceException MALFORMED_ID, NOT_FOUND, or ENTITY_IS_DELETED
     */
    synchronized Contact live(String rawId) {
        String id = SalesforceIds.contactId(rawId).orElseThrow(() -> SalesforceErrors.malformedId(rawId));
        Contact contact = byId.get(id);
        if (contact == null) {
            throw SalesforceErrors.notFound();
        }
        if (contact.isDeleted()) {
            throw SalesforceErrors.entityIsDeleted();
        }
        return contact;
    }

    /**
     * The live Contact with this external id.
     *
     * @throws SalesforceException ENTITY_IS_DELETED when only deleted Contacts had it, else NOT_FOUND
     */
    synchronized Contact liveByCustomerId(String customerId) {
        String id = liveIdByCustomerId.get(customerId);
        if (id != null) {
            return byId.get(id);
        }
        boolean deleted = byId.values().stream().anyMatch(c -> customerId.equals(c.value(ContactField.CUSTOMER_ID)));
        throw deleted ? SalesforceErrors.entityIsDeleted() : SalesforceErrors.notFound();
    }

    /** Any known Contact, deleted ones too; any malformed or unknown id gives empty. */
    synchronized Optional<Contact> find(String rawId) {
        return SalesforceIds.contactId(rawId).map(byId::get);
    }

    synchronized Optional<Contact> findByCustomerId(String customerId) {
        return Optional.ofNullable(liveIdByCustomerId.get(customerId)).map(byId::get);
    }

    /** In creation order; deleted ones only when asked. */
    synchronized List<Contact> all(boolean includeDeleted) {
        return byId.values().stream().filter(c -> includeDeleted || !c.isDeleted()).toList();
    }

    synchronized void duplicateRuleBlocksEmail(boolean blocks) {
        duplicateRuleBlocksEmail = blocks;
    }

    synchronized void addValidationRule(ValidationRule rule) {
        validationRules.add(rule);
    }

    /** Forgets every Contact, rule and write time; ids keep counting, so an id never names two Contacts. */
    synchronized void reset() {
        byId.clear();
        liveIdByCustomerId.clear();
        validationRules.clear();
        duplicateRuleBlocksEmail = false;
        lastWrite = Instant.EPOCH;
    }

    private Instant writeTime() {
        Instant now = clock.now().truncatedTo(ChronoUnit.MILLIS);
        lastWrite = now.isAfter(lastWrite) ? now : lastWrite;
        return lastWrite;
    }

    private WriteResult apply(ContactChange change, Instant at, Writer writer, Set<String> repeated,
                              Map<String, Contact> undo) {
        if (change instanceof ContactChange.Create create) {
            return new WriteResult(save(create(create.fields(), at, writer), writer, undo), true, null);
        }
        if (change instanceof ContactChange.Update update) {
            if (update.id() == null) {
                throw SalesforceErrors.missingArgument("Id not specified in an update call");
            }
            Contact next = live(update.id()).updated(update.fields(), at, writer);
            return new WriteResult(save(next, writer, undo), false, null);
        }
        if (change instanceof ContactChange.Upsert upsert) {
            return upsert(upsert, at, writer, repeated, undo);
        }
        ContactChange.Delete delete = (ContactChange.Delete) change;
        return new WriteResult(save(live(delete.id()).deleted(at, writer), writer, undo), false, null);
    }

    private WriteResult upsert(ContactChange.Upsert upsert, Instant at, Writer writer, Set<String> repeated,
                               Map<String, Contact> undo) {
        String customerId = upsert.customerId();
        if (customerId == null) {
            throw SalesforceErrors.missingArgument(ContactField.CUSTOMER_ID.apiName() + " not specified");
        }
        if (repeated.contains(customerId)) {
            throw SalesforceErrors.duplicateExternalId(customerId);
        }
        String existing = liveIdByCustomerId.get(customerId);
        if (existing != null) {
            Contact next = byId.get(existing).updated(upsert.fields(), at, writer);
            return new WriteResult(save(next, writer, undo), false, null);
        }
        Map<ContactField, Object> fields = new EnumMap<>(ContactField.class);
        fields.putAll(upsert.fields());
        fields.put(ContactField.CUSTOMER_ID, customerId);
        return new WriteResult(save(create(fields, at, writer), writer, undo), true, null);
    }

    private Contact create(Map<ContactField, Object> fields, Instant at, Writer writer) {
        return Contact.created(SalesforceIds.contact(++createdCount), fields, at, writer);
    }

    /** Checks the record as it would be saved, saves it, and remembers what to undo; its id. */
    private String save(Contact next, Writer writer, Map<String, Contact> undo) {
        check(next, writer);
        Contact before = byId.put(next.id(), next);
        if (!undo.containsKey(next.id())) {
            undo.put(next.id(), before);
        }
        unindex(before);
        index(next);
        return next.id();
    }

    /** Puts back the version before this call, or forgets a Contact this call created. */
    private void restore(String id, Contact before) {
        unindex(byId.get(id));
        if (before == null) {
            byId.remove(id);
        } else {
            byId.put(id, before);
            index(before);
        }
    }

    private void check(Contact c, Writer writer) {
        if (c.isDeleted()) {
            return;
        }
        if (c.value(ContactField.LAST_NAME) == null) {
            throw SalesforceErrors.requiredFieldMissing(ContactField.LAST_NAME);
        }
        for (ContactField field : ContactField.ALL) {
            if (c.value(field) instanceof String text && field.maxLength() > 0 && text.length() > field.maxLength()) {
                throw SalesforceErrors.stringTooLong(field, text);
            }
        }
        String email = (String) c.value(ContactField.EMAIL);
        if (email != null && !EMAIL.matcher(email).matches()) {
            throw SalesforceErrors.invalidEmail(email);
        }
        if (writer.orgRules()) {
            for (ValidationRule rule : validationRules) {
                if (rule.rejects(c)) {
                    throw SalesforceErrors.validationRule(rule.code(), rule.message(), rule.field());
                }
            }
            if (duplicateRuleBlocksEmail && email != null && byId.values().stream().anyMatch(other ->
                    !other.isDeleted() && !other.id().equals(c.id())
                            && email.equalsIgnoreCase((String) other.value(ContactField.EMAIL)))) {
                throw SalesforceErrors.duplicatesDetected();
            }
        }
        String customerId = (String) c.value(ContactField.CUSTOMER_ID);
        String holder = customerId == null ? null : liveIdByCustomerId.get(customerId);
        if (holder != null && !holder.equals(c.id())) {
            throw SalesforceErrors.duplicateValue(ContactField.CUSTOMER_ID, holder);
        }
    }

    private void index(Contact c) {
        Object customerId = c.value(ContactField.CUSTOMER_ID);
        if (!c.isDeleted() && customerId != null) {
            liveIdByCustomerId.put((String) customerId, c.id());
        }
    }

    private void unindex(Contact c) {
        if (c != null && c.value(ContactField.CUSTOMER_ID) != null) {
            liveIdByCustomerId.remove((String) c.value(ContactField.CUSTOMER_ID), c.id());
        }
    }

    /** The record a failed change concerned, when known: its id was well formed and known, or its external id was. */
    private String knownId(ContactChange change) {
        String raw = change instanceof ContactChange.Update u ? u.id()
                : change instanceof ContactChange.Delete d ? d.id() : null;
        if (raw != null) {
            return SalesforceIds.contactId(raw).filter(byId::containsKey).orElse(null);
        }
        return change instanceof ContactChange.Upsert u && u.customerId() != null
                ? liveIdByCustomerId.get(u.customerId()) : null;
    }

    /** External ids that more than one upsert of the call gives: Salesforce fails all of those records. */
    private static Set<String> repeatedCustomerIds(List<ContactChange> changes) {
        Set<String> seen = new HashSet<>();
        Set<String> repeated = new HashSet<>();
        for (ContactChange change : changes) {
            if (change instanceof ContactChange.Upsert u && u.customerId() != null && !seen.add(u.customerId())) {
                repeated.add(u.customerId());
            }
        }
        return repeated;
    }
}
