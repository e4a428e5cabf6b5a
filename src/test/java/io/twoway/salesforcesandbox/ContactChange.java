package io.twoway.salesforcesandbox;

import java.util.Map;

/** One record's part of a write call, as {@link ContactStore#write} applies it. */
sealed interface ContactChange {

    /** A new Contact from the given fields. */
    record Create(Map<ContactField, Object> fields) implements ContactChange {
    }

    /** Changes the given fields of Contact {@code id} (as the caller wrote it: 15 or 18 characters, maybe wrong). */
    record Update(String id, Map<ContactField, Object> fields) implements ContactChange {
    }

    /** Updates the live Contact whose external id is {@code customerId}, or creates one with it. */
    record Upsert(String customerId, Map<ContactField, Object> fields) implements ContactChange {
    }

    /** Moves Contact {@code id} to the recycle bin. */
    record Delete(String id) implements ContactChange {
    }
}
