package io.twoway.api;

import io.hawt.springboot.EndpointPathResolver;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.config.annotation.ViewControllerRegistry;
import org.springframework.web.servlet.config.annotation.WebMvcConfigurer;

/**
 * Watching: the Hawtio console (hawtio-springboot) on the management port, behind the API token. Hawtio serves itself
 * under the management base path, at {@code /actuator/hawtio/}, and reads JMX through the Jolokia actuator endpoint
 * ({@code /actuator/jolokia}); {@code /hawtio} redirects to it. Hawtio's own login is off: the token (Bearer, or the
 * browser's Basic prompt with the token as the password) is the login.
 */
@Configuration(proxyBeanMethods = false)
public class HawtioConsole {

    /**
     * The token filter's place on the management port: after Spring's request-context and observation filters, before
     * Hawtio's (orders 0 to 14), whose redirects and forwards would otherwise answer a caller without a token.
     */
    static final int ACCESS_FILTER_ORDER = -100;

    @Bean
    FilterRegistrationBean<ManagementAccessFilter> managementAccessFilterRegistration(ManagementAccessFilter filter) {
        FilterRegistrationBean<ManagementAccessFilter> registration = new FilterRegistrationBean<>(filter);
        registration.setOrder(ACCESS_FILTER_ORDER);
        return registration;
    }

    /** {@code /hawtio} and {@code /hawtio/} lead to the console, wherever the management base path puts it. */
    @Bean
    WebMvcConfigurer hawtioShortPath(ObjectProvider<EndpointPathResolver> hawtio) {
        return new WebMvcConfigurer() {
            @Override
            public void addViewControllers(ViewControllerRegistry registry) {
                EndpointPathResolver paths = hawtio.getIfAvailable();
                if (paths == null) {
                    return; // the hawtio endpoint is not exposed
                }
                String console = paths.resolve("hawtio") + "/";
                registry.addRedirectViewController("/hawtio", console).setKeepQueryParams(true);
                registry.addRedirectViewController("/hawtio/", console).setKeepQueryParams(true);
            }
        };
    }
}
