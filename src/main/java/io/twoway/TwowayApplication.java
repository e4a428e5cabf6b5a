package io.twoway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/** Entry point of the Twoway sync service. */
@SpringBootApplication
@ConfigurationPropertiesScan
public class TwowayApplication {
    public static void main(String[] args) {
        SpringApplication.run(TwowayApplication.class, args);
    }
}
