package io.twoway.salesforcesandbox;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Query results longer than a page. The records are a snapshot taken when the first page is answered; query more
 * reads on through them with a locator ({@code 01g…-2000}: the cursor, then the offset of the page). As in Salesforce,
 * only the newest cursors stay open (here {@value #MAX_OPEN}); an older or unknown locator is INVALID_QUERY_LOCATOR.
 */
final class QueryCursors {

    static final int MAX_OPEN = 50;

    private record Cursor(List<Map<String, Object>> records, int batchSize) {
    }

    private final Map<String, Cursor> open = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Cursor> eldest) {
            return size() > MAX_OPEN;
        }
    };
    private long opened;

    /** The first page of these records; opens a cursor when there are more. */
    synchronized Map<String, Object> firstPage(List<Map<String, Object>> records, int batchSize) {
        String locator = null;
        if (records.size() > batchSize) {
            locator = SalesforceIds.queryLocator(++opened);
            open.put(locator, new Cursor(records, batchSize));
        }
        return page(locator, records, 0, batchSize);
    }

    /** The page that {@code locatorAndOffset}, the last segment of a nextRecordsUrl, names. */
    synchronized Map<String, Object> nextPage(String locatorAndOffset) {
        int dash = locatorAndOffset.lastIndexOf('-');
        Cursor cursor = dash < 0 ? null : open.get(locatorAndOffset.substring(0, dash));
        String offset = locatorAndOffset.substring(dash + 1);
        if (cursor == null || !offset.matches("\\d{1,9}") || Integer.parseInt(offset) >= cursor.records().size()) {
            throw SalesforceErrors.invalidQueryLocator();
        }
        return page(locatorAndOffset.substring(0, dash), cursor.records(), Integer.parseInt(offset),
                cursor.batchSize());
    }

    synchronized void reset() {
        open.clear();
    }

    private static Map<String, Object> page(String locator, List<Map<String, Object>> records, int offset,
                                            int batchSize) {
        int end = Math.min(records.size(), offset + batchSize);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("totalSize", records.size());
        out.put("done", end == records.size());
        if (end < records.size()) {
            out.put("nextRecordsUrl", SalesforceSandbox.DATA_PATH + "/query/" + locator + "-" + end);
        }
        out.put("records", records.subList(offset, end));
        return out;
    }
}
