package io.twoway.config;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.Arrays;
import java.util.Map;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.type.AnnotatedTypeMetadata;

/** Scale-out: the bean exists only in a process that holds at least one of these roles ({@code TWOWAY_ROLES}). */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.TYPE, ElementType.METHOD})
@Conditional(ConditionalOnRole.HeldRole.class)
public @interface ConditionalOnRole {

    Roles.Role[] value();

    final class HeldRole implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            Map<String, Object> attributes = metadata.getAnnotationAttributes(ConditionalOnRole.class.getName());
            Roles roles = Roles.of(context.getEnvironment());
            return attributes != null && Arrays.stream((Roles.Role[]) attributes.get("value")).anyMatch(roles::has);
        }
    }
}
