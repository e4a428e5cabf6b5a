package io.twoway.faults;

import java.util.List;
import org.slf4j.LoggerFactory;

/** The in-process broker and database log a lot below WARN; the fault tests' output is for the tests. */
final class FaultLogging {

    private static final List<String> QUIET = List.of("kafka", "state.change.logger", "org.apache.kafka", "org.apache.zookeeper",
            "io.zonky", "com.zaxxer.hikari");

    private FaultLogging() {}

    static void quietInfrastructure() {
        for (String name : QUIET) {
            if (LoggerFactory.getLogger(name) instanceof ch.qos.logback.classic.Logger logger) {
                logger.setLevel(ch.qos.logback.classic.Level.WARN);
            }
        }
    }
}
