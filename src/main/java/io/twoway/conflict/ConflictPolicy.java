package io.twoway.conflict;

import io.twoway.config.TwowayProperties;
import org.springframework.stereotype.Component;

/**
 * Conflicts: what the configured strategy ({@code CONFLICT_RESOLUTION_STRATEGY}) does with each kind of conflict.
 * {@code merge} settles concurrent edits and {@code auto_rename} settles email collisions; a kind that a strategy does
 * not cover is left open for an admin, and so is every conflict when {@code AUTO_RESOLVE_CONFLICTS=false}.
 */
@Component
public class ConflictPolicy {

    public static final String EMAIL_COLLISION = "email_collision";
    public static final String CONCURRENT_EDIT = "concurrent_edit";

    /** HOLD: open conflict, the field keeps its local value and is held back from Stripe. */
    public enum Action { HOLD, KEEP_LOCAL, NEWEST, RENAME }

    private volatile String strategy;
    private volatile boolean autoResolve;

    public ConflictPolicy(TwowayProperties properties) {
        configure(properties.conflicts().strategy(), properties.conflicts().autoResolve());
    }

    /** Changes the strategy at run time; conflicts already recorded keep the strategy they were settled by. */
    public void configure(String strategy, boolean autoResolve) {
        this.strategy = strategy;
        this.autoResolve = autoResolve;
    }

    public String strategy() {
        return strategy;
    }

    public Action decide(String type) {
        if (!autoResolve) {
            return Action.HOLD;
        }
        return switch (strategy) {
            case "reject" -> Action.KEEP_LOCAL;
            case "merge" -> CONCURRENT_EDIT.equals(type) ? Action.NEWEST : Action.HOLD;
            case "auto_rename" -> EMAIL_COLLISION.equals(type) ? Action.RENAME : Action.HOLD;
            default -> Action.HOLD;
        };
    }
}
