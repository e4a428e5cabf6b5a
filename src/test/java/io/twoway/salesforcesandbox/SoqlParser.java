package io.twoway.salesforcesandbox;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses the SOQL subset the sandbox answers:
 * {@code SELECT f1, f2 FROM Contact [WHERE cond [AND cond]…] [ORDER BY f [ASC|DESC][, …]] [LIMIT n]}, where a
 * condition is {@code field op literal} and a literal is an unquoted date-time ({@code 2026-11-26T01:00:00Z},
 * {@code …00.000+0000}, {@code …00+00:00}), a quoted string ({@code \'} and the other SOQL escapes), a number,
 * {@code true}, {@code false} or {@code null}. Keywords and field names are case-insensitive. Anything else (OR, NOT,
 * parentheses, IN, LIKE, functions, relationships) is MALFORMED_QUERY; an unknown field or a literal of the wrong type
 * is INVALID_FIELD; another object is INVALID_TYPE.
 */
final class SoqlParser {

    private enum Kind { WORD, COMMA, OPERATOR, STRING, DATE_TIME, NUMBER, END }

    /** {@code value}: the operator (with {@code <>} as {@code !=}), the unescaped string, the Instant or the number. */
    private record Token(Kind kind, String text, Object value) {

        boolean isWord(String word) {
            return kind == Kind.WORD && text.equalsIgnoreCase(word);
        }
    }

    private static final Pattern NUMBER = Pattern.compile("-?\\d+(?:\\.\\d+)?");
    private static final Pattern WORD = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern OPERATOR = Pattern.compile("!=|<>|<=|>=|=|<|>");

    private final List<Token> tokens;
    private int next;

    private SoqlParser(List<Token> tokens) {
        this.tokens = tokens;
    }

    static SoqlQuery parse(String soql) {
        if (soql == null || soql.isBlank()) {
            throw SalesforceErrors.malformedQuery("A query (the q parameter) is required");
        }
        return new SoqlParser(tokenize(soql)).query();
    }

    private SoqlQuery query() {
        expectWord("SELECT");
        List<ContactField> fields = new ArrayList<>();
        do {
            ContactField field = field(take(Kind.WORD));
            if (fields.contains(field)) {
                throw SalesforceErrors.malformedQuery("duplicate field selected: " + field.apiName());
            }
            fields.add(field);
        } while (skip(Kind.COMMA));
        expectWord("FROM");
        Token object = take(Kind.WORD);
        if (!object.text().equalsIgnoreCase("Contact")) {
            throw SalesforceErrors.invalidType(object.text());
        }
        List<SoqlQuery.Condition> conditions = new ArrayList<>();
        if (skipWord("WHERE")) {
            do {
                conditions.add(condition());
            } while (skipWord("AND"));
        }
        List<SoqlQuery.Ordering> orderings = new ArrayList<>();
        if (skipWord("ORDER")) {
            expectWord("BY");
            do {
                ContactField field = field(take(Kind.WORD));
                boolean descending = skipWord("DESC");
                if (!descending) {
                    skipWord("ASC");
                }
                orderings.add(new SoqlQuery.Ordering(field, descending));
            } while (skip(Kind.COMMA));
        }
        Integer limit = null;
        if (skipWord("LIMIT")) {
            Token n = take(Kind.NUMBER);
            if (!n.text().matches("\\d{1,9}")) {
                throw SalesforceErrors.malformedQuery("LIMIT must be a non-negative integer, found: " + n.text());
            }
            limit = Integer.parseInt(n.text());
        }
        take(Kind.END);
        return new SoqlQuery(List.copyOf(fields), List.copyOf(conditions), List.copyOf(orderings), limit);
    }

    private SoqlQuery.Condition condition() {
        ContactField field = field(take(Kind.WORD));
        String op = (String) take(Kind.OPERATOR).value();
        Token literal = tokens.get(next++);
        Object value = switch (literal.kind()) {
            case STRING, DATE_TIME, NUMBER -> literal.value();
            case WORD -> switch (literal.text().toLowerCase(Locale.ROOT)) {
                case "true" -> Boolean.TRUE;
                case "false" -> Boolean.FALSE;
                case "null" -> null;
                default -> throw unexpected(literal);
            };
            default -> throw unexpected(literal);
        };
        if (value == null && !op.equals("=") && !op.equals("!=")) {
            throw SalesforceErrors.malformedQuery("null can only be compared with = or !=");
        }
        if (field.type() == ContactField.Type.BOOLEAN && !op.equals("=") && !op.equals("!=")) {
            throw SalesforceErrors.malformedQuery("invalid operator on boolean field: " + field.apiName());
        }
        return new SoqlQuery.Condition(field, op, typed(field, value));
    }

    /** The literal as the field holds values (ids in 18 characters), or INVALID_FIELD when of another type. */
    private static Object typed(ContactField field, Object value) {
        if (value == null) {
            return null;
        }
        boolean fits = switch (field.type()) {
            case ID, TEXT -> value instanceof String;
            case BOOLEAN -> value instanceof Boolean;
            case DATE_TIME -> value instanceof Instant;
        };
        if (!fits) {
            String expected = switch (field.type()) {
                case ID, TEXT -> "string and should be enclosed in quotes";
                case BOOLEAN -> "boolean and should not be enclosed in quotes";
                case DATE_TIME -> "dateTime and should not be enclosed in quotes";
            };
            throw SalesforceErrors.invalidQueryField("value of filter criterion for field '" + field.apiName()
                    + "' must be of type " + expected);
        }
        return field.type() == ContactField.Type.ID ? SalesforceIds.normalize((String) value).orElse((String) value)
                : value;
    }

    private static ContactField field(Token word) {
        return ContactField.named(word.text()).orElseThrow(() -> SalesforceErrors.invalidQueryField(
                "No such column '" + word.text() + "' on entity 'Contact'. If you are attempting to use a custom"
                        + " field, be sure to append the '__c' after the custom field name."));
    }

    private Token take(Kind kind) {
        Token token = tokens.get(next);
        if (token.kind() != kind) {
            throw unexpected(token);
        }
        next++;
        return token;
    }

    private boolean skip(Kind kind) {
        if (tokens.get(next).kind() == kind) {
            next++;
            return true;
        }
        return false;
    }

    private void expectWord(String word) {
        if (!skipWord(word)) {
            throw unexpected(tokens.get(next));
        }
    }

    private boolean skipWord(String word) {
        if (tokens.get(next).isWord(word)) {
            next++;
            return true;
        }
        return false;
    }

    private static SalesforceException unexpected(Token token) {
        return SalesforceErrors.malformedQuery(token.kind() == Kind.END ? "unexpected end of query"
                : "unexpected token: '" + token.text() + "'");
    }

    private static List<Token> tokenize(String soql) {
        List<Token> out = new ArrayList<>();
        int i = 0;
        while (i < soql.length()) {
            char c = soql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == ',') {
                out.add(new Token(Kind.COMMA, ",", null));
                i++;
            } else if (c == '\'') {
                i = string(soql, i, out);
            } else {
                i = match(soql, i, out);
            }
        }
        out.add(new Token(Kind.END, "", null));
        return out;
    }

    /** A quoted string from {@code start} (the opening quote); the index after the closing quote. */
    private static int string(String soql, int start, List<Token> out) {
        StringBuilder value = new StringBuilder();
        int i = start + 1;
        while (i < soql.length()) {
            char c = soql.charAt(i++);
            if (c == '\'') {
                out.add(new Token(Kind.STRING, soql.substring(start, i), value.toString()));
                return i;
            }
            if (c != '\\') {
                value.append(c);
            } else if (i < soql.length()) {
                char escaped = soql.charAt(i++);
                value.append(switch (escaped) {
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    case 't' -> '\t';
                    case 'b' -> '\b';
                    case 'f' -> '\f';
                    case '\'', '"', '\\', '_', '%' -> escaped;
                    default -> throw SalesforceErrors.malformedQuery("Invalid string literal: unknown escape \\"
                            + escaped);
                });
            }
        }
        throw SalesforceErrors.malformedQuery("unterminated string literal: " + soql.substring(start));
    }

    /** A date-time, number, operator or word at {@code start}; the index after it. */
    private static int match(String soql, int start, List<Token> out) {
        Matcher m = SalesforceTime.DATE_TIME.matcher(soql).region(start, soql.length());
        if (m.lookingAt()) {
            Instant instant = SalesforceTime.parse(m.group())
                    .orElseThrow(() -> SalesforceErrors.malformedQuery("invalid date-time: " + m.group()));
            out.add(new Token(Kind.DATE_TIME, m.group(), instant));
            return m.end();
        }
        if (m.usePattern(NUMBER).lookingAt()) {
            out.add(new Token(Kind.NUMBER, m.group(), new BigDecimal(m.group())));
        } else if (m.usePattern(OPERATOR).lookingAt()) {
            out.add(new Token(Kind.OPERATOR, m.group(), m.group().equals("<>") ? "!=" : m.group()));
        } else if (m.usePattern(WORD).lookingAt()) {
            out.add(new Token(Kind.WORD, m.group(), null));
        } else {
            throw SalesforceErrors.malformedQuery("unexpected token: '" + soql.charAt(start) + "'");
        }
        return m.end();
    }
}
