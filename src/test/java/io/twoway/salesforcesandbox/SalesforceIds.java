package io.twoway.salesforcesandbox;

import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Ids shaped as Salesforce shapes them: a 3-character key prefix, 15 case-sensitive characters, and 3 more that encode
 * the case of the first 15, so that the 18-character form survives case-insensitive systems.
 */
final class SalesforceIds {

    static final String CONTACT_PREFIX = "003";
    private static final Pattern ID = Pattern.compile("[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?");
    private static final String CHECKSUM_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345";

    private SalesforceIds() {
    }

    /** The n-th Contact: {@code 003} + n in 12 digits + checksum. */
    static String contact(long n) {
        return withChecksum(CONTACT_PREFIX + String.format("%012d", n));
    }

    /** The n-th query locator ({@code 01g…}, the key prefix of query cursors). */
    static String queryLocator(long n) {
        return withChecksum("01g" + String.format("%012d", n));
    }

    /** The 18-character form of an id given in 15 or 18 characters; empty when it is not an id. */
    static Optional<String> normalize(String raw) {
        if (raw == null || !ID.matcher(raw).matches()) {
            return Optional.empty();
        }
        String full = withChecksum(raw.substring(0, 15));
        return raw.length() == 15 || full.equalsIgnoreCase(raw) ? Optional.of(full) : Optional.empty();
    }

    /** As {@link #normalize(String)}, for Contact ids only. */
    static Optional<String> contactId(String raw) {
        return normalize(raw).filter(id -> id.startsWith(CONTACT_PREFIX));
    }

    private static String withChecksum(String id15) {
        StringBuilder out = new StringBuilder(id15);
        for (int chunk = 0; chunk < 3; chunk++) {
            int bits = 0;
            for (int i = 0; i < 5; i++) {
                if (Character.isUpperCase(id15.charAt(chunk * 5 + i))) {
                    bits |= 1 << i;
                }
            }
            out.append(CHECKSUM_CHARS.charAt(bits));
        }
        return out.toString();
    }
}
