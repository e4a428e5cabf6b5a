package io.twoway;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Entry point of the Twoway sync service. */
@SpringBootApplication
public class TwowayApplication {
    public static void main(String[] args) {
        SpringApplication.run(TwowayApplication.class, args);
    }
}
