package io.twoway.config;

import org.apache.camel.CamelContext;
import org.apache.camel.model.Model;
import org.apache.camel.model.RouteDefinition;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.autoconfigure.quartz.SchedulerFactoryBeanCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/**
 * Scale-out: applies {@code TWOWAY_ROLES}. A route whose group names a role ({@code group: relay} in its route file)
 * and every route the API server feeds ({@code api}: REST, the console, Swagger UI) starts only in a process that holds that role; the route's own switch
 * ({@code autoStartup}) still applies where it does. Routes with no role (the in-process queues, the {@code direct:}
 * steps) start everywhere: they only run when something in the process hands them work.
 */
@Configuration(proxyBeanMethods = false)
public class RoleConfiguration {

    private static final Logger LOG = LoggerFactory.getLogger(RoleConfiguration.class);

    @Bean
    Roles roles(Environment environment) {
        return Roles.of(environment);
    }

    @Bean
    CamelContextConfiguration roleRoutes(Roles roles) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext camelContext) {
                for (RouteDefinition route : camelContext.getCamelContextExtension().getContextPlugin(Model.class).getRouteDefinitions()) {
                    Roles.Role role = servesHttp(route) ? Roles.Role.API : Roles.ofGroup(route.getGroup());
                    if (role != null && !roles.has(role)) {
                        route.setAutoStartup("false");
                        LOG.debug("Route {} stays stopped: this process does not hold the {} role", route.getRouteId(), role.id());
                    }
                }
            }

            @Override
            public void afterApplicationStart(CamelContext camelContext) {
                // nothing
            }
        };
    }

    /** A REST route, or a route that platform-http feeds (the console, Swagger UI): the API server's. */
    private static boolean servesHttp(RouteDefinition route) {
        String from = route.getEndpointUrl();
        return Boolean.TRUE.equals(route.isRest()) || from != null && from.startsWith("platform-http:");
    }

    /**
     * The clustered Quartz scheduler starts only where reconciliation's schedule runs: a started scheduler takes its
     * share of the cluster's fires, and one whose trigger route is stopped would drop them.
     */
    @Bean
    SchedulerFactoryBeanCustomizer schedulerOnlyWithTheScheduleRole(Roles roles, TwowayProperties properties) {
        return factory -> factory.setAutoStartup(roles.has(Roles.Role.SCHEDULER) && properties.reconciliation().enabled());
    }
}
