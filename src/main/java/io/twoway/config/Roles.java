package io.twoway.config;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.core.env.Environment;

/**
 * Scale-out: what this process does, from {@code TWOWAY_ROLES} (default: all four). A process starts only the routes
 * of its roles (each route names its role as its route group), and its readiness checks only what those roles need.
 * <ul>
 *   <li>{@code api}: the REST API, the webhooks and the admin endpoints on {@code PORT}; webhook events are applied in
 *       the process that received them;</li>
 *   <li>{@code relay}: the outbox relay to Kafka (one active across the cluster, by advisory lock);</li>
 *   <li>{@code sync}: the Kafka consumers that call Stripe (one consumer group across the cluster);</li>
 *   <li>{@code scheduler}: reconciliation's schedule (Quartz fires once per cluster), the events catch-up, the pruning
 *       of the outbox, the ledger and the inbox, and the take-over of an abandoned backfill.</li>
 * </ul>
 */
public record Roles(Set<Role> held) {

    public enum Role {
        API, RELAY, SYNC, SCHEDULER;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }

        static Role parse(String value) {
            return Arrays.stream(values()).filter(r -> r.id().equals(value)).findFirst().orElseThrow(
                    () -> new IllegalArgumentException(value));
        }
    }

    public static final String PROPERTY = "twoway.roles";
    public static final String ALL = "api,relay,sync,scheduler";

    /** The roles in a comma-separated list; an unknown or empty list is refused. */
    public static Roles parse(String value) {
        Set<Role> held = EnumSet.noneOf(Role.class);
        for (String part : value.split(",")) {
            if (!part.isBlank()) {
                held.add(Role.parse(part.trim().toLowerCase(Locale.ROOT)));
            }
        }
        if (held.isEmpty()) {
            throw new IllegalArgumentException(value);
        }
        return new Roles(Set.copyOf(held));
    }

    /** The roles the environment names ({@code TWOWAY_ROLES}, else all). */
    public static Roles of(Environment environment) {
        return parse(environment.getProperty(PROPERTY, ALL));
    }

    /** True for a valid list, for the start-up check. */
    static boolean valid(String value) {
        try {
            parse(value);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    public boolean has(Role role) {
        return held.contains(role);
    }

    /** The role a route group names, or null for a group that is not a role. */
    public static Role ofGroup(String group) {
        try {
            return group == null ? null : Role.parse(group);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    @Override
    public String toString() {
        return Arrays.stream(Role.values()).filter(held::contains).map(Role::id).collect(Collectors.joining(","));
    }
}
