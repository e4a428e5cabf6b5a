package io.twoway.salesforcesandbox;

/** GET query and queryAll (a SOQL query's first page) and query more (its next pages), at a configurable page size. */
final class QueryResource {

    static final int DEFAULT_BATCH_SIZE = 2000;

    private final ContactStore store;
    private final QueryCursors cursors = new QueryCursors();
    private volatile int batchSize = DEFAULT_BATCH_SIZE;

    QueryResource(ContactStore store) {
        this.store = store;
    }

    /** With {@code includeDeleted} (queryAll), Contacts in the recycle bin match too, with IsDeleted true. */
    ApiResponse query(String soql, boolean includeDeleted) {
        SoqlQuery query = SoqlParser.parse(soql);
        return ApiResponse.ok(cursors.firstPage(query.run(store.all(includeDeleted)), batchSize));
    }

    ApiResponse more(String locatorAndOffset) {
        return ApiResponse.ok(cursors.nextPage(locatorAndOffset));
    }

    /** Records per page for queries started from now on. */
    void batchSize(int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("query batch size must be >= 1: " + batchSize);
        }
        this.batchSize = batchSize;
    }

    /** Closes every cursor and restores the default page size. */
    void reset() {
        cursors.reset();
        batchSize = DEFAULT_BATCH_SIZE;
    }
}
