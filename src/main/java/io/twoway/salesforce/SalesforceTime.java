package io.twoway.salesforce;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;

/** Salesforce date-times: read in its forms ({@code 2026-11-26T01:00:00.000+0000}, ISO with Z or +00:00), written for SOQL. */
public final class SalesforceTime {

    private static final DateTimeFormatter READ = new DateTimeFormatterBuilder().append(DateTimeFormatter.ISO_LOCAL_DATE_TIME)
            .optionalStart().appendOffset("+HHMM", "Z").optionalEnd()
            .optionalStart().appendOffset("+HH:MM", "Z").optionalEnd().toFormatter();
    private static final DateTimeFormatter SOQL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

    private SalesforceTime() {}

    /** Null for null or blank. */
    public static Instant parse(String text) {
        return text == null || text.isBlank() ? null : OffsetDateTime.parse(text, READ).toInstant();
    }

    /** A SOQL date-time literal (unquoted), to the millisecond. */
    public static String soql(Instant instant) {
        return SOQL.format(instant);
    }
}
