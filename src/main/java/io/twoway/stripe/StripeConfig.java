package io.twoway.stripe;

import com.stripe.StripeClient;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.twoway.config.TwowayProperties;
import io.twoway.sync.Breakers;
import java.time.Duration;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.ContextClosedEvent;
import org.springframework.core.Ordered;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.context.annotation.Configuration;

/** Outward sync: the Stripe client, its rate governor and the circuit breaker the sync route shares. */
@Configuration
public class StripeConfig {

    @Bean
    RateGovernor stripeRateGovernor(TwowayProperties properties) {
        RateGovernor governor = new RateGovernor(properties.stripe().rateLimit(), Duration.ofMillis(properties.stripe().rateMarginMs()));
        // nothing leaves before the shared budget grants this instance its share (a probe at start-up would go first)
        governor.deny();
        return governor;
    }

    /**
     * Before Camel stops its routes, a sender waiting for a share of the budget (none comes while the database is away)
     * gives up, so that it does not hold the shutdown up; its message is not committed and is read again.
     */
    @Bean
    ApplicationListener<ContextClosedEvent> stripeRateGovernorStop(RateGovernor stripeRateGovernor) {
        return new StopGovernor(stripeRateGovernor);
    }

    private record StopGovernor(RateGovernor governor) implements ApplicationListener<ContextClosedEvent>, Ordered {
        @Override
        public void onApplicationEvent(ContextClosedEvent event) {
            governor.stop();
        }

        @Override
        public int getOrder() {
            return Ordered.HIGHEST_PRECEDENCE;
        }
    }

    /** Stripe's rate limit is the account's: every instance that sends takes its share of it, never the whole. */
    @Bean(destroyMethod = "close")
    SharedRateBudget stripeRateBudget(TwowayProperties properties, RateGovernor stripeRateGovernor, JdbcTemplate jdbc,
                                      TransactionTemplate transactions, MeterRegistry meters) {
        TwowayProperties.Stripe stripe = properties.stripe();
        SharedRateBudget budget = new SharedRateBudget("stripe", stripe.rateLimit(), Duration.ofMillis(stripe.rateMarginMs()), stripeRateGovernor,
                jdbc, transactions, Duration.ofMillis(stripe.rateShareRenewMs()), Duration.ofMillis(stripe.rateShareLeaseMs()), Duration.ofSeconds(2));
        Gauge.builder("twoway.stripe.rate.share", budget, SharedRateBudget::share)
                .description("requests per second this instance may send to Stripe now (its share of STRIPE_RATE_LIMIT)").register(meters);
        Gauge.builder("twoway.stripe.rate.sharing.instances", budget, SharedRateBudget::sharingMembers)
                .description("instances sending to Stripe now, STRIPE_RATE_LIMIT split between them").register(meters);
        return budget;
    }

    /** stripe-java's own retries are off: redelivery is the sync route's job, under one policy and one log. */
    @Bean
    StripeClient stripeClient(TwowayProperties properties, RateGovernor stripeRateGovernor, MeterRegistry meters) {
        TwowayProperties.Stripe stripe = properties.stripe();
        return StripeClient.builder()
                .setApiKey(stripe.apiKey())
                .setApiBase(stripe.apiBase().replaceAll("/+$", ""))
                .setConnectTimeout(stripe.connectTimeoutMs())
                .setReadTimeout(stripe.readTimeoutMs())
                .setMaxNetworkRetries(0)
                .setHttpClient(new GovernedHttpClient(stripeRateGovernor, Duration.ofMillis(stripe.connectTimeoutMs()), meters))
                .build();
    }

    /**
     * Opens after {@code failureThreshold} consecutive transient Stripe failures and probes again after
     * {@code openSeconds}. Permanent (4xx) answers and 429s mean Stripe is up and count as successes; local failures are ignored.
     */
    @Bean
    CircuitBreaker stripeCircuitBreaker(TwowayProperties properties, MeterRegistry meters) {
        return Breakers.create("stripe", properties.breaker(), meters, config -> config
                .recordException(e -> e instanceof StripeSyncException.Transient && !(e instanceof StripeSyncException.RateLimited))
                .ignoreException(e -> !(e instanceof StripeSyncException)));
    }
}
