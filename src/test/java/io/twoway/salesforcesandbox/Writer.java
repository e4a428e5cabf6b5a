package io.twoway.salesforcesandbox;

/**
 * Who writes: the user, the request's Sforce-Call-Options (null when absent), and whether the org's duplicate and
 * validation rules apply (not to seeded data, which existed before them).
 */
record Writer(String userId, String callOptions, boolean orgRules) {
}
