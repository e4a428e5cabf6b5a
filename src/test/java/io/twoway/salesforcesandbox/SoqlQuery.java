package io.twoway.salesforcesandbox;

import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A parsed SOQL query on Contact ({@link SoqlParser} says which SOQL): the fields to select, conditions that must all
 * hold, the ordering and the limit. Comparisons follow Salesforce: text ignores case, ids do not; a null field
 * satisfies only {@code = null} and {@code !=} a value; ascending orders put nulls first, descending ones last, and
 * records that tie stay in creation order.
 */
record SoqlQuery(List<ContactField> fields, List<Condition> conditions, List<Ordering> orderings, Integer limit) {

    /** {@code field op literal}, with op one of {@code = != < <= > >=} and a literal of the field's type or null. */
    record Condition(ContactField field, String op, Object literal) {

        boolean test(Contact contact) {
            Object value = contact.value(field);
            if (literal == null) {
                return op.equals("=") == (value == null);
            }
            if (value == null) {
                return op.equals("!=");
            }
            int cmp = compare(field, value, literal);
            return switch (op) {
                case "=" -> cmp == 0;
                case "!=" -> cmp != 0;
                case "<" -> cmp < 0;
                case "<=" -> cmp <= 0;
                case ">" -> cmp > 0;
                case ">=" -> cmp >= 0;
                default -> throw new IllegalStateException("operator " + op);
            };
        }
    }

    /** One ORDER BY item. */
    record Ordering(ContactField field, boolean descending) {

        Comparator<Contact> comparator() {
            Comparator<Object> ascending = Comparator.nullsFirst((a, b) -> compare(field, a, b));
            return Comparator.comparing((Contact c) -> c.value(field), descending ? ascending.reversed() : ascending);
        }
    }

    /** The selected records as the API serves them, from Contacts given in creation order. */
    List<Map<String, Object>> run(List<Contact> contacts) {
        Stream<Contact> matching = contacts.stream().filter(c -> conditions.stream().allMatch(cond -> cond.test(c)));
        if (!orderings.isEmpty()) {
            matching = matching.sorted(orderings.stream().map(Ordering::comparator)
                    .reduce(Comparator::thenComparing).orElseThrow());
        }
        if (limit != null) {
            matching = matching.limit(limit);
        }
        return matching.map(c -> c.json(fields)).toList();
    }

    private static int compare(ContactField field, Object a, Object b) {
        return switch (field.type()) {
            case TEXT -> String.CASE_INSENSITIVE_ORDER.compare((String) a, (String) b);
            case ID -> ((String) a).compareTo((String) b);
            case BOOLEAN -> Boolean.compare((Boolean) a, (Boolean) b);
            case DATE_TIME -> ((Instant) a).compareTo((Instant) b);
        };
    }
}
