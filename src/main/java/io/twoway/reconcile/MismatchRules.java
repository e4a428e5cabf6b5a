package io.twoway.reconcile;

import static io.twoway.reconcile.Mismatch.ACTIVE;
import static io.twoway.reconcile.Mismatch.NONE;
import static io.twoway.reconcile.Mismatch.TO_LOCAL;
import static io.twoway.reconcile.Mismatch.TO_REMOTE;

import io.twoway.customer.CustomerEvents;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * Reconciliation: what counts as a mismatch, and which repair the source of truth proposes for it. Pure rules over
 * one local row (with its agreed state and what Stripe listed for it) or one Stripe customer that no local row is
 * linked to; no I/O, so they are tested without Spring.
 */
public final class MismatchRules {

    public static final String UPDATE_REMOTE = "update_remote";
    public static final String UPDATE_LOCAL = "update_local";
    public static final String CREATE_REMOTE = "create_remote";
    public static final String RECREATE_REMOTE = "recreate_remote";
    public static final String DELETE_REMOTE = "delete_remote";
    public static final String DEACTIVATE_LOCAL = "deactivate_local";
    public static final String REACTIVATE_LOCAL = "reactivate_local";
    public static final String IMPORT_LOCAL = "import_local";
    public static final String LINK = "link";
    public static final String DELETE_DUPLICATE = "delete_duplicate";
    /** Both sides changed since they last agreed: settled as a conflict, under the conflict strategy. */
    public static final String RESOLVE_CONFLICT = "resolve_conflict";
    /** Nothing can be repaired automatically (the note says why); an admin decides. */
    public static final String MANUAL = "manual";
    /** An admin accepted the difference: nothing changes. */
    public static final String IGNORE = "ignore";

    /** The actions auto-resolve may take on its own; a duplicate's delete and a conflict's resolution are not among them. */
    private static final Set<String> AUTOMATIC = Set.of(UPDATE_REMOTE, UPDATE_LOCAL, CREATE_REMOTE, RECREATE_REMOTE, DELETE_REMOTE,
            DEACTIVATE_LOCAL, REACTIVATE_LOCAL, IMPORT_LOCAL, LINK);

    /** Which side wins a repair. {@code NEWEST}: the side that changed since the last agreed state. */
    public enum SourceOfTruth {
        LOCAL, STRIPE, NEWEST;

        public static SourceOfTruth parse(String value) {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        }

        public String value() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** A difference before it is stored: what, where, and the repair proposed. */
    public record Finding(Long customerId, String stripeId, String kind, String field, String localValue, String remoteValue,
                          Long localVersion, String action, String direction, String note) {

        public boolean automatic() {
            return AUTOMATIC.contains(action);
        }
    }

    /** A local customer, its agreed Stripe state (null fields when none) and what Stripe listed under its Stripe id. */
    public record LocalRow(long id, String name, String email, String stripeId, boolean active, long version, OffsetDateTime updatedAt,
                           Long agreedVersion, String agreedName, String agreedEmail, Boolean agreedDeleted,
                           boolean listed, String remoteName, String remoteEmail, boolean claimedByRemote, boolean remotePending) {

        String field(String field) {
            return CustomerEvents.field(field, name, email);
        }

        String agreed(String field) {
            return CustomerEvents.field(field, agreedName, agreedEmail);
        }

        /** A local change Stripe does not hold yet, younger than the grace period: on its way, not drift. */
        boolean changeInFlight(OffsetDateTime now, long graceSeconds) {
            return (agreedVersion == null || version > agreedVersion) && updatedAt.isAfter(now.minusSeconds(graceSeconds));
        }
    }

    /** The Stripe side of a linked customer: live with these values, or deleted. */
    public record Remote(boolean deleted, String name, String email) {
        public static final Remote GONE = new Remote(true, null, null);

        String field(String field) {
            return CustomerEvents.field(field, name, email);
        }
    }

    /**
     * A Stripe customer no local row is linked to, with what its metadata and its email point at locally:
     * {@code metaCustomer} (the customer named by {@code metadata.twoway_customer_id}, if it exists), the Stripe id that
     * one is linked to and whether that one is live in Stripe, whether an earlier Stripe customer carries the same
     * metadata, and an active local customer with the same email (linked or not, with an agreed state or not).
     */
    public record RemoteRow(String stripeId, String name, String email, long created, Long metaCustomer, String metaLinkedTo,
                            boolean metaLinkedLive, boolean earlierWithSameMeta, Long emailHolder, String emailHolderLinkedTo, boolean emailHolderKnown,
                            boolean remotePending) {}

    private final SourceOfTruth truth;

    public MismatchRules(SourceOfTruth truth) {
        this.truth = truth;
    }

    /** A local customer with no Stripe id: missing in Stripe, unless its create is on its way or Stripe holds it unlinked. */
    public List<Finding> compareUnlinked(LocalRow row, OffsetDateTime now, long graceSeconds) {
        if (!row.active() || row.claimedByRemote() || row.changeInFlight(now, graceSeconds)) {
            return List.of();
        }
        String direction = truth == SourceOfTruth.STRIPE ? TO_LOCAL : TO_REMOTE;
        return List.of(finding(row, Mismatch.MISSING_REMOTE, null, row.email(), null, direction, null));
    }

    /** A linked local customer that Stripe does not know at all. */
    public List<Finding> brokenLink(LocalRow row) {
        String direction = truth == SourceOfTruth.STRIPE ? TO_LOCAL : TO_REMOTE;
        return List.of(finding(row, Mismatch.BROKEN_LINK, null, row.stripeId(), null, direction, "Stripe does not know " + row.stripeId()));
    }

    /** A linked local customer against what Stripe holds under its id, field by field. */
    public List<Finding> compareLinked(LocalRow row, Remote remote, OffsetDateTime now, long graceSeconds) {
        if (row.remotePending() || row.changeInFlight(now, graceSeconds)) {
            return List.of();
        }
        if (remote.deleted()) {
            if (!row.active()) {
                return List.of();
            }
            String direction = truth == SourceOfTruth.LOCAL ? TO_REMOTE : TO_LOCAL;
            return List.of(finding(row, Mismatch.FIELD_MISMATCH, ACTIVE, "true", "false", direction, "deleted in Stripe"));
        }
        if (!row.active()) {
            String direction = truth == SourceOfTruth.STRIPE ? TO_LOCAL : TO_REMOTE;
            return List.of(finding(row, Mismatch.FIELD_MISMATCH, ACTIVE, "false", "true", direction, "deleted locally, live in Stripe"));
        }
        List<Finding> findings = new ArrayList<>();
        for (String field : CustomerEvents.SYNCED_FIELDS) {
            String ours = row.field(field);
            String theirs = remote.field(field);
            if (!Objects.equals(ours, theirs)) {
                findings.add(fieldFinding(row, field, ours, theirs));
            }
        }
        return findings;
    }

    private Finding fieldFinding(LocalRow row, String field, String ours, String theirs) {
        String direction = switch (truth) {
            case LOCAL -> TO_REMOTE;
            case STRIPE -> TO_LOCAL;
            case NEWEST -> {
                if (row.agreedVersion() == null) {
                    yield NONE;
                }
                String base = row.agreed(field);
                boolean localChanged = !Objects.equals(ours, base);
                boolean remoteChanged = !Objects.equals(theirs, base);
                yield localChanged == remoteChanged ? NONE : localChanged ? TO_REMOTE : TO_LOCAL;
            }
        };
        if (NONE.equals(direction)) {
            return finding(row, Mismatch.FIELD_MISMATCH, field, ours, theirs, NONE, RESOLVE_CONFLICT,
                    row.agreedVersion() == null ? "no agreed state to tell which side changed" : "changed on both sides since they last agreed");
        }
        if (TO_LOCAL.equals(direction) && (theirs == null || theirs.isBlank())) {
            return finding(row, Mismatch.FIELD_MISMATCH, field, ours, theirs, TO_REMOTE, UPDATE_REMOTE,
                    "Stripe has no " + field + ", which the local catalog requires");
        }
        return finding(row, Mismatch.FIELD_MISMATCH, field, ours, theirs, direction, null);
    }

    /** A live Stripe customer that no local customer is linked to. */
    public List<Finding> compareRemoteOnly(RemoteRow row, OffsetDateTime now, long graceSeconds) {
        if (row.remotePending()) {
            return List.of();
        }
        if (row.metaCustomer() != null) {
            if ((row.metaLinkedTo() != null && row.metaLinkedLive()) || row.earlierWithSameMeta()) {
                String other = row.metaLinkedTo() != null ? row.metaLinkedTo() : "an earlier Stripe customer";
                return List.of(remote(row, row.metaCustomer(), Mismatch.DUPLICATE, null, other, row.stripeId(), TO_REMOTE, DELETE_DUPLICATE,
                        "carries local customer " + row.metaCustomer() + ", which is linked to " + other));
            }
            // not linked, or linked to a Stripe id that is not live: this customer is the one to link it to
            return List.of(remote(row, row.metaCustomer(), Mismatch.UNLINKED, null, row.metaLinkedTo(), row.stripeId(), TO_LOCAL, LINK,
                    "carries local customer " + row.metaCustomer() + " in its metadata"
                            + (row.metaLinkedTo() == null ? "" : ", which is linked to " + row.metaLinkedTo() + ", not a live Stripe customer")));
        }
        if (row.emailHolder() != null && row.emailHolderLinkedTo() == null && !row.emailHolderKnown()) {
            return List.of(remote(row, row.emailHolder(), Mismatch.UNLINKED, null, row.email(), row.email(), TO_LOCAL, LINK,
                    "same email as unlinked local customer " + row.emailHolder()));
        }
        if (row.created() > now.toEpochSecond() - graceSeconds) {
            return List.of(); // created moments ago: its webhook may still be on its way
        }
        if (row.emailHolder() != null && truth != SourceOfTruth.LOCAL) {
            return List.of(remote(row, null, Mismatch.MISSING_LOCAL, null, null, row.email(), NONE, MANUAL,
                    "cannot be imported: its email is used by local customer " + row.emailHolder()));
        }
        String direction = truth == SourceOfTruth.LOCAL ? TO_REMOTE : TO_LOCAL;
        return List.of(remote(row, null, Mismatch.MISSING_LOCAL, null, null, row.email(), direction, null, null));
    }

    /**
     * The repair a direction means for this kind of mismatch; null when the direction does not apply to it (a
     * duplicate is never imported, an unlinked customer never pushed).
     */
    public static String action(String kind, String field, String localValue, String direction) {
        if (NONE.equals(direction)) {
            return IGNORE;
        }
        boolean toRemote = TO_REMOTE.equals(direction);
        return switch (kind) {
            case Mismatch.FIELD_MISMATCH -> ACTIVE.equals(field)
                    ? "true".equals(localValue) ? (toRemote ? RECREATE_REMOTE : DEACTIVATE_LOCAL) : (toRemote ? DELETE_REMOTE : REACTIVATE_LOCAL)
                    : toRemote ? UPDATE_REMOTE : UPDATE_LOCAL;
            case Mismatch.MISSING_REMOTE -> toRemote ? CREATE_REMOTE : DEACTIVATE_LOCAL;
            case Mismatch.MISSING_LOCAL -> toRemote ? DELETE_REMOTE : IMPORT_LOCAL;
            case Mismatch.BROKEN_LINK -> toRemote ? RECREATE_REMOTE : DEACTIVATE_LOCAL;
            case Mismatch.UNLINKED -> toRemote ? null : LINK;
            case Mismatch.DUPLICATE -> toRemote ? DELETE_DUPLICATE : null;
            default -> null;
        };
    }

    private static Finding finding(LocalRow row, String kind, String field, String ours, String theirs, String direction, String note) {
        return finding(row, kind, field, ours, theirs, direction, action(kind, field, ours, direction), note);
    }

    private static Finding finding(LocalRow row, String kind, String field, String ours, String theirs, String direction, String action,
                                   String note) {
        return new Finding(row.id(), row.stripeId(), kind, field, ours, theirs, row.version(), action, direction, note);
    }

    private static Finding remote(RemoteRow row, Long customerId, String kind, String field, String localValue, String remoteValue,
                                  String direction, String action, String note) {
        return new Finding(customerId, row.stripeId(), kind, field, localValue, remoteValue, null,
                action == null ? action(kind, field, localValue, direction) : action, direction, note);
    }
}
