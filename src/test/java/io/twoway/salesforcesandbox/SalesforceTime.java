package io.twoway.salesforcesandbox;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Pattern;

/** Salesforce date-times: the form the API writes ({@code 2026-11-26T01:00:00.000+0000}) and the forms it reads. */
final class SalesforceTime {

    /** As SOQL literals and the deleted resource's parameters give one: seconds, optional millis, Z or an offset. */
    static final Pattern DATE_TIME =
            Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(?:\\.\\d{1,3})?(?:Z|[+-]\\d{2}:?\\d{2})");

    private static final DateTimeFormatter OUTPUT =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxx").withZone(ZoneOffset.UTC);

    private SalesforceTime() {
    }

    static String format(Instant instant) {
        return OUTPUT.format(instant);
    }

    /** {@code 2026-11-26T01:00:00Z}, {@code …:00.000+0000} or {@code …:00+00:00}; empty for anything else. */
    static Optional<Instant> parse(String text) {
        if (text == null || !DATE_TIME.matcher(text).matches()) {
            return Optional.empty();
        }
        String iso = text.replaceFirst("([+-]\\d{2})(\\d{2})$", "$1:$2");
        try {
            return Optional.of(OffsetDateTime.parse(iso).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty(); // the right shape, but no such date, such as month 13
        }
    }
}
