package io.twoway.reconcile;

import static io.twoway.reconcile.MismatchRules.SourceOfTruth.LOCAL;
import static io.twoway.reconcile.MismatchRules.SourceOfTruth.NEWEST;
import static io.twoway.reconcile.MismatchRules.SourceOfTruth.STRIPE;
import static org.assertj.core.api.Assertions.assertThat;

import io.twoway.reconcile.MismatchRules.Finding;
import io.twoway.reconcile.MismatchRules.LocalRow;
import io.twoway.reconcile.MismatchRules.Remote;
import io.twoway.reconcile.MismatchRules.RemoteRow;
import java.time.OffsetDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The mismatch rules without Spring: what is drift, what is in flight, and which repair each source of truth proposes. */
class MismatchRulesTest {

    private static final OffsetDateTime NOW = OffsetDateTime.parse("2026-11-26T12:00:00Z");
    private static final OffsetDateTime HOUR_AGO = NOW.minusHours(1);
    private static final long GRACE = 300;

    /** A linked customer agreed with Stripe as Ada / ada@example.com at version 3, now holding {@code name} at {@code version}. */
    private static LocalRow linked(String name, long version, OffsetDateTime updatedAt) {
        return new LocalRow(7, name, "ada@example.com", "cus_A", true, version, updatedAt, 3L, "Ada", "ada@example.com", false,
                true, null, null, false, false);
    }

    private static Remote live(String name) {
        return new Remote(false, name, "ada@example.com");
    }

    private static Finding only(List<Finding> findings) {
        assertThat(findings).hasSize(1);
        return findings.get(0);
    }

    @Test
    void newestTakesTheSideThatChangedSinceTheAgreedState() {
        Finding remoteChanged = only(new MismatchRules(NEWEST).compareLinked(linked("Ada", 3, HOUR_AGO), live("Ada L."), NOW, GRACE));
        assertThat(remoteChanged.kind()).isEqualTo(Mismatch.FIELD_MISMATCH);
        assertThat(remoteChanged.field()).isEqualTo("name");
        assertThat(remoteChanged.direction()).isEqualTo(Mismatch.TO_LOCAL);
        assertThat(remoteChanged.action()).isEqualTo(MismatchRules.UPDATE_LOCAL);

        Finding localChanged = only(new MismatchRules(NEWEST).compareLinked(linked("Ada Lovelace", 4, HOUR_AGO), live("Ada"), NOW, GRACE));
        assertThat(localChanged.direction()).isEqualTo(Mismatch.TO_REMOTE);
        assertThat(localChanged.action()).isEqualTo(MismatchRules.UPDATE_REMOTE);

        Finding both = only(new MismatchRules(NEWEST).compareLinked(linked("Ada Lovelace", 4, HOUR_AGO), live("Ada L."), NOW, GRACE));
        assertThat(both.action()).isEqualTo(MismatchRules.RESOLVE_CONFLICT);
        assertThat(both.direction()).isEqualTo(Mismatch.NONE);
        assertThat(both.automatic()).as("a conflict is settled by the conflict strategy, not as a simple repair").isFalse();
    }

    @Test
    void localAndStripeSettingsPickTheirSideWhateverChanged() {
        LocalRow row = linked("Ada", 3, HOUR_AGO);
        assertThat(only(new MismatchRules(LOCAL).compareLinked(row, live("Ada L."), NOW, GRACE)).action()).isEqualTo(MismatchRules.UPDATE_REMOTE);
        assertThat(only(new MismatchRules(STRIPE).compareLinked(row, live("Ada L."), NOW, GRACE)).action()).isEqualTo(MismatchRules.UPDATE_LOCAL);
        assertThat(only(new MismatchRules(STRIPE).compareLinked(row, live(null), NOW, GRACE)).action())
                .as("Stripe has no name, which the catalog requires").isEqualTo(MismatchRules.UPDATE_REMOTE);
    }

    @Test
    void aRecentLocalChangeStripeDoesNotHoldYetIsInFlightNotDrift() {
        assertThat(new MismatchRules(NEWEST).compareLinked(linked("Ada Lovelace", 4, NOW.minusSeconds(5)), live("Ada"), NOW, GRACE)).isEmpty();
        LocalRow agreed = linked("Ada", 3, HOUR_AGO);
        assertThat(new MismatchRules(NEWEST).compareLinked(agreed, live("Ada"), NOW, GRACE)).as("equal on both sides").isEmpty();
        LocalRow webhookWaiting = new LocalRow(7, "Ada", "ada@example.com", "cus_A", true, 3, HOUR_AGO, 3L, "Ada", "ada@example.com", false,
                true, null, null, false, true);
        assertThat(new MismatchRules(NEWEST).compareLinked(webhookWaiting, live("Ada L."), NOW, GRACE)).as("its webhook waits in the inbox").isEmpty();
    }

    @Test
    void deletesOnEitherSideAreAnActiveMismatch() {
        Finding deletedInStripe = only(new MismatchRules(NEWEST).compareLinked(linked("Ada", 3, HOUR_AGO), Remote.GONE, NOW, GRACE));
        assertThat(deletedInStripe.field()).isEqualTo(Mismatch.ACTIVE);
        assertThat(deletedInStripe.action()).isEqualTo(MismatchRules.DEACTIVATE_LOCAL);
        assertThat(only(new MismatchRules(LOCAL).compareLinked(linked("Ada", 3, HOUR_AGO), Remote.GONE, NOW, GRACE)).action())
                .isEqualTo(MismatchRules.RECREATE_REMOTE);

        LocalRow deletedLocally = new LocalRow(7, "Ada", "ada@example.com", "cus_A", false, 4, HOUR_AGO, 3L, "Ada", "ada@example.com", false,
                true, null, null, false, false);
        Finding live = only(new MismatchRules(NEWEST).compareLinked(deletedLocally, live("Ada"), NOW, GRACE));
        assertThat(live.localValue()).isEqualTo("false");
        assertThat(live.action()).isEqualTo(MismatchRules.DELETE_REMOTE);
        assertThat(only(new MismatchRules(STRIPE).compareLinked(deletedLocally, live("Ada"), NOW, GRACE)).action()).isEqualTo(MismatchRules.REACTIVATE_LOCAL);
    }

    @Test
    void stripeCustomersNoLocalRowIsLinkedTo() {
        MismatchRules rules = new MismatchRules(NEWEST);
        long old = NOW.minusDays(1).toEpochSecond();
        RemoteRow duplicate = new RemoteRow("cus_B", "Ada", "a@x.io", old, 7L, "cus_A", true, false, null, null, false, false);
        assertThat(only(rules.compareRemoteOnly(duplicate, NOW, GRACE)).kind()).isEqualTo(Mismatch.DUPLICATE);
        assertThat(only(rules.compareRemoteOnly(duplicate, NOW, GRACE)).automatic()).as("a duplicate is never deleted on its own").isFalse();

        RemoteRow deadLink = new RemoteRow("cus_B", "Ada", "a@x.io", old, 7L, "cus_A", false, false, null, null, false, false);
        Finding relink = only(rules.compareRemoteOnly(deadLink, NOW, GRACE));
        assertThat(relink.kind()).isEqualTo(Mismatch.UNLINKED);
        assertThat(relink.localValue()).isEqualTo("cus_A");

        RemoteRow byEmail = new RemoteRow("cus_B", "Ada", "a@x.io", old, null, null, false, false, 9L, null, false, false);
        assertThat(only(rules.compareRemoteOnly(byEmail, NOW, GRACE)).action()).isEqualTo(MismatchRules.LINK);

        RemoteRow taken = new RemoteRow("cus_B", "Ada", "a@x.io", old, null, null, false, false, 9L, "cus_Z", true, false);
        assertThat(only(rules.compareRemoteOnly(taken, NOW, GRACE)).action()).isEqualTo(MismatchRules.MANUAL);

        RemoteRow alone = new RemoteRow("cus_B", "Ada", "a@x.io", old, null, null, false, false, null, null, false, false);
        assertThat(only(rules.compareRemoteOnly(alone, NOW, GRACE)).action()).isEqualTo(MismatchRules.IMPORT_LOCAL);
        assertThat(only(new MismatchRules(LOCAL).compareRemoteOnly(alone, NOW, GRACE)).action()).isEqualTo(MismatchRules.DELETE_REMOTE);

        RemoteRow justCreated = new RemoteRow("cus_B", "Ada", "a@x.io", NOW.toEpochSecond() - 2, null, null, false, false, null, null, false, false);
        assertThat(rules.compareRemoteOnly(justCreated, NOW, GRACE)).as("its webhook may still be on its way").isEmpty();
    }

    @Test
    void eachDirectionMeansOneRepairOrNone() {
        assertThat(MismatchRules.action(Mismatch.DUPLICATE, null, "cus_A", Mismatch.TO_LOCAL)).isNull();
        assertThat(MismatchRules.action(Mismatch.UNLINKED, null, null, Mismatch.TO_REMOTE)).isNull();
        assertThat(MismatchRules.action(Mismatch.MISSING_REMOTE, null, "a@x.io", Mismatch.TO_REMOTE)).isEqualTo(MismatchRules.CREATE_REMOTE);
        assertThat(MismatchRules.action(Mismatch.MISSING_LOCAL, null, null, Mismatch.TO_LOCAL)).isEqualTo(MismatchRules.IMPORT_LOCAL);
        assertThat(MismatchRules.action(Mismatch.BROKEN_LINK, null, "cus_X", Mismatch.TO_REMOTE)).isEqualTo(MismatchRules.RECREATE_REMOTE);
        assertThat(MismatchRules.action(Mismatch.FIELD_MISMATCH, "email", "a@x.io", Mismatch.NONE)).isEqualTo(MismatchRules.IGNORE);
    }
}
