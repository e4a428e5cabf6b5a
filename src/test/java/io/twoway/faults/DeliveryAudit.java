package io.twoway.faults;

import io.twoway.sandbox.RecordedRequest;
import io.twoway.sandbox.StripeSandbox;
import io.twoway.stripe.StripeGateway;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.JdbcTemplate;

/**
 * What became of a workload's accepted changes, read from the three places that hold the truth: the local catalog
 * (PostgreSQL), the live Stripe customers and the sandbox's request log.
 * <ul>
 *   <li><b>delivered</b>: a change Stripe holds, or that a later change of the same customer superseded there (the sync
 *       sends the newest state, so an older name may never travel alone);</li>
 *   <li><b>lost</b>: accepted and not delivered: the customer is missing in Stripe, or Stripe holds an older name;</li>
 *   <li><b>duplicated</b>: a second Stripe customer for one local customer, or a write that took effect twice (an
 *       effective create beyond the first, for one local id);</li>
 *   <li><b>out of order</b>: Stripe was sent an older name after a newer one of the same customer;</li>
 *   <li><b>catalog damaged</b>: a local customer whose row is not the last name the API accepted for it.</li>
 * </ul>
 */
record DeliveryAudit(long accepted, long delivered, long duplicated, long lost, long outOfOrder, long catalogDamaged, List<String> problems) {

    private static final Pattern VERSION = Pattern.compile(" v(\\d+)$");

    static DeliveryAudit of(Workload workload, StripeSandbox stripe, JdbcTemplate jdbc) {
        workload.settleUncertain(jdbc);
        Map<String, List<Map<String, Object>>> stripeByLocalId = new HashMap<>();
        for (Map<String, Object> customer : stripe.customers()) {
            Object localId = ((Map<?, ?>) customer.get("metadata")).get(StripeGateway.LOCAL_ID_METADATA);
            if (localId != null) {
                stripeByLocalId.computeIfAbsent(localId.toString(), k -> new ArrayList<>()).add(customer);
            }
        }
        Map<String, Integer> effectiveCreates = new HashMap<>();
        Map<String, List<Integer>> namesSentByStripeId = new HashMap<>();
        for (RecordedRequest r : stripe.requests()) {
            if (!r.method().equals("POST") || r.status() != 200 || r.replayed()) {
                continue;
            }
            if (r.path().equals("/v1/customers")) {
                String localId = r.form().get("metadata[" + StripeGateway.LOCAL_ID_METADATA + "]");
                if (localId != null) {
                    effectiveCreates.merge(localId, 1, Integer::sum);
                }
            } else if (r.path().startsWith("/v1/customers/") && r.form().containsKey("name")) {
                namesSentByStripeId.computeIfAbsent(r.path().substring("/v1/customers/".length()), k -> new ArrayList<>()).add(version(r.form().get("name")));
            }
        }
        long accepted = 0, delivered = 0, duplicated = 0, lost = 0, outOfOrder = 0, damaged = 0;
        List<String> problems = new ArrayList<>();
        synchronized (workload) {
            for (Map.Entry<Long, List<String>> entry : workload.accepted.entrySet()) {
                String id = String.valueOf(entry.getKey());
                List<String> names = entry.getValue();
                accepted += names.size();
                List<Map<String, Object>> remote = stripeByLocalId.getOrDefault(id, List.of());
                int creates = effectiveCreates.getOrDefault(id, 0);
                long extra = Math.max(remote.size() - 1, 0) + Math.max(creates - 1, 0);
                if (extra > 0) {
                    duplicated += extra;
                    problems.add("customer " + id + ": " + remote.size() + " Stripe customers, " + creates + " effective creates");
                }
                if (remote.isEmpty()) {
                    lost += names.size();
                    problems.add("customer " + id + ": not in Stripe");
                } else {
                    int held = version(String.valueOf(remote.get(0).get("name")));
                    delivered += Math.min(held, names.size());
                    if (held < names.size()) {
                        lost += names.size() - held;
                        problems.add("customer " + id + ": Stripe holds v" + held + " of v" + names.size());
                    }
                    List<Integer> sent = namesSentByStripeId.getOrDefault(String.valueOf(remote.get(0).get("id")), List.of());
                    for (int i = 1; i < sent.size(); i++) {
                        if (sent.get(i) < sent.get(i - 1)) {
                            outOfOrder++;
                            problems.add("customer " + id + ": Stripe was sent v" + sent.get(i) + " after v" + sent.get(i - 1));
                        }
                    }
                }
                List<String> local = jdbc.queryForList("select name from customers where id = ? and is_active", String.class, entry.getKey());
                if (local.size() != 1 || !local.get(0).equals(names.get(names.size() - 1))) {
                    damaged++;
                    problems.add("customer " + id + ": the catalog holds " + local + ", the API accepted " + names.get(names.size() - 1));
                }
            }
        }
        return new DeliveryAudit(accepted, delivered, duplicated, lost, outOfOrder, damaged, problems);
    }

    private static int version(String name) {
        Matcher m = VERSION.matcher(name == null ? "" : name);
        return m.find() ? Integer.parseInt(m.group(1)) : 0;
    }

    /** True when every accepted change reached Stripe once, in order, and the catalog holds what was accepted. */
    boolean clean() {
        return lost == 0 && duplicated == 0 && outOfOrder == 0 && catalogDamaged == 0 && delivered == accepted;
    }

    void record(String fault, String note) {
        FaultSummary.record(fault, accepted, delivered, duplicated, lost, note);
    }

    @Override
    public String toString() {
        return "accepted " + accepted + ", delivered " + delivered + ", duplicated " + duplicated + ", lost " + lost + ", out of order "
                + outOfOrder + ", catalog damaged " + catalogDamaged + (problems.isEmpty() ? "" : "; " + problems.subList(0, Math.min(10, problems.size())));
    }
}
