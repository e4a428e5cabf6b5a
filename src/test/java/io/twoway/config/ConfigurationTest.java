package io.twoway.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.mock.env.MockEnvironment;

/** Configuration: the seed's DATABASE_URL forms, and malformed values stopping start-up with one clear line. */
class ConfigurationTest {

    private static final String TOKEN = "a-token-long-enough-0001";

    @Test
    void databaseUrlInTheSeedFormBecomesJdbcProperties() {
        Map<String, Object> p = DatabaseUrlEnvironmentPostProcessor.toDatasourceProperties("postgresql://sync:s%40cret@db.internal:6543/twoway?sslmode=require");
        assertThat(p).containsEntry("spring.datasource.url", "jdbc:postgresql://db.internal:6543/twoway?sslmode=require")
                .containsEntry("spring.datasource.username", "sync")
                .containsEntry("spring.datasource.password", "s@cret");
        assertThat(DatabaseUrlEnvironmentPostProcessor.toDatasourceProperties("postgres://u:p@localhost/db"))
                .containsEntry("spring.datasource.url", "jdbc:postgresql://localhost:5432/db");
        assertThat(DatabaseUrlEnvironmentPostProcessor.toDatasourceProperties("postgresql+asyncpg://u:p@h:5432/db"))
                .containsEntry("spring.datasource.url", "jdbc:postgresql://h:5432/db");
        assertThat(DatabaseUrlEnvironmentPostProcessor.toDatasourceProperties("jdbc:postgresql://h:5432/db"))
                .containsEntry("spring.datasource.url", "jdbc:postgresql://h:5432/db");
    }

    @Test
    void unparsableDatabaseUrlNamesTheVariableWithoutLeakingIt() {
        for (String bad : new String[] {"not a url", "mysql://u:p@h/db", "postgresql://u:p@h:5432/", "postgresql:///db"}) {
            MockEnvironment env = new MockEnvironment().withProperty("DATABASE_URL", bad);
            assertThatThrownBy(() -> new DatabaseUrlEnvironmentPostProcessor().postProcessEnvironment(env, new SpringApplication()))
                    .isInstanceOf(InvalidConfigurationException.class)
                    .hasMessageContaining("DATABASE_URL")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain("u:p"));
        }
    }

    @Test
    void malformedValuesStopStartUpNamingTheVariable() {
        assertRejected("twoway.retry.max-attempts", "-1", "MAX_RETRY_ATTEMPTS");
        assertRejected("twoway.retry.max-attempts", "three", "MAX_RETRY_ATTEMPTS");
        assertRejected("twoway.retry.initial-delay-seconds", "0", "INITIAL_RETRY_DELAY");
        assertRejected("twoway.kafka.partitions", "0", "KAFKA_PARTITION_COUNT");
        assertRejected("spring.datasource.hikari.maximum-pool-size", "lots", "DB_POOL_SIZE");
        assertRejected("twoway.stripe.enabled", "yes please", "STRIPE_INTEGRATION_ENABLED");
        assertRejected("twoway.stripe.api-base", "ftp://stripe", "STRIPE_API_BASE");
        assertRejected("twoway.conflicts.strategy", "newest", "CONFLICT_RESOLUTION_STRATEGY");
        assertRejected("twoway.conflicts.auto-resolve", "sometimes", "AUTO_RESOLVE_CONFLICTS");
        assertRejected("twoway.webhook.secret", "whsec_ok,sk_test_not_a_webhook_secret", "STRIPE_WEBHOOK_SECRET");
        assertRejected("twoway.webhook.tolerance-seconds", "0", "WEBHOOK_TOLERANCE_SECONDS");
        MockEnvironment secret = new MockEnvironment().withProperty("twoway.stripe.api-key", "sk_test_x").withProperty("twoway.webhook.secret", "whsec_leak,oops");
        assertThatThrownBy(() -> new ConfigurationCheck().postProcessEnvironment(secret, new SpringApplication()))
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("whsec_leak"));
        MockEnvironment delays = new MockEnvironment().withProperty("twoway.stripe.api-key", "sk_test_x").withProperty("twoway.api.tokens", TOKEN)
                .withProperty("twoway.retry.initial-delay-seconds", "10")
                .withProperty("twoway.retry.max-delay-seconds", "5");
        assertThatThrownBy(() -> new ConfigurationCheck().postProcessEnvironment(delays, new SpringApplication()))
                .hasMessageContaining("MAX_RETRY_DELAY");
    }

    @Test
    void stripeKeyIsRequiredOnlyWhileTheIntegrationIsEnabled() {
        MockEnvironment missing = new MockEnvironment().withProperty("twoway.stripe.api-key", "");
        assertThatThrownBy(() -> new ConfigurationCheck().postProcessEnvironment(missing, new SpringApplication()))
                .hasMessageStartingWith("Invalid configuration: STRIPE_API_KEY=");
        MockEnvironment wrong = new MockEnvironment().withProperty("twoway.stripe.api-key", "pk_test_publishable");
        assertThatThrownBy(() -> new ConfigurationCheck().postProcessEnvironment(wrong, new SpringApplication()))
                .hasMessageNotContaining("pk_test_publishable");
        new ConfigurationCheck().postProcessEnvironment(new MockEnvironment().withProperty("twoway.stripe.enabled", "false")
                .withProperty("twoway.api.tokens", TOKEN), new SpringApplication());
    }

    @Test
    void aTokenIsRequiredUnlessAuthIsDisabled() {
        MockEnvironment none = new MockEnvironment().withProperty("twoway.stripe.api-key", "sk_test_x");
        assertThatThrownBy(() -> new ConfigurationCheck().postProcessEnvironment(none, new SpringApplication()))
                .hasMessageStartingWith("Invalid configuration: API_TOKEN=''").hasMessageContaining("AUTH_DISABLED=true");
        MockEnvironment weak = new MockEnvironment().withProperty("twoway.stripe.api-key", "sk_test_x").withProperty("twoway.api.tokens", TOKEN + ",short");
        assertThatThrownBy(() -> new ConfigurationCheck().postProcessEnvironment(weak, new SpringApplication()))
                .hasMessageStartingWith("Invalid configuration: API_TOKEN=").hasMessageNotContaining(TOKEN);
        new ConfigurationCheck().postProcessEnvironment(new MockEnvironment().withProperty("twoway.stripe.api-key", "sk_test_x")
                .withProperty("twoway.api.auth-disabled", "true"), new SpringApplication());
        assertRejected("twoway.api.rate-limit", "-5", "API_RATE_LIMIT");
        assertRejected("twoway.api.auth-disabled", "maybe", "AUTH_DISABLED");
    }

    @Test
    void sensibleValuesPass() {
        MockEnvironment env = new MockEnvironment().withProperty("twoway.stripe.api-key", "sk_test_x").withProperty("twoway.api.tokens", TOKEN)
                .withProperty("twoway.retry.max-attempts", "0")
                .withProperty("twoway.stripe.rate-limit", "2.5").withProperty("twoway.stripe.api-base", "http://127.0.0.1:12111");
        new ConfigurationCheck().postProcessEnvironment(env, new SpringApplication());
    }

    @Test
    void failureAnalysisIsOneLineNamingTheVariable() {
        var analysis = new InvalidConfigurationFailureAnalyzer().analyze(new InvalidConfigurationException("MAX_RETRY_ATTEMPTS", "'-1'", "must be a whole number from 0 to 100"));
        assertThat(analysis.getDescription()).isEqualTo("Invalid configuration: MAX_RETRY_ATTEMPTS='-1' must be a whole number from 0 to 100");
        assertThat(analysis.getDescription()).doesNotContain("\n");
    }

    private static void assertRejected(String property, String value, String variable) {
        MockEnvironment env = new MockEnvironment().withProperty("twoway.stripe.api-key", "sk_test_x").withProperty("twoway.api.tokens", TOKEN)
                .withProperty(property, value);
        assertThatThrownBy(() -> new ConfigurationCheck().postProcessEnvironment(env, new SpringApplication()))
                .isInstanceOf(InvalidConfigurationException.class)
                .hasMessageStartingWith("Invalid configuration: " + variable + "=");
    }
}
