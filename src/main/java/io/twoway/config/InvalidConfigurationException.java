package io.twoway.config;

/** Configuration: a malformed setting that must stop start-up, reported as one line naming the variable. */
public class InvalidConfigurationException extends RuntimeException {

    private final String variable;

    public InvalidConfigurationException(String variable, String value, String problem) {
        super("Invalid configuration: " + variable + "=" + value + " " + problem);
        this.variable = variable;
    }

    public String variable() {
        return variable;
    }
}
