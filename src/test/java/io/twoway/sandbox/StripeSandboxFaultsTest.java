package io.twoway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.stripe.StripeClient;
import com.stripe.exception.ApiException;
import com.stripe.exception.IdempotencyException;
import com.stripe.exception.InvalidRequestException;
import com.stripe.exception.RateLimitException;
import com.stripe.exception.StripeException;
import com.stripe.model.Customer;
import com.stripe.param.CustomerCreateParams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Idempotency keys, injected faults, rate limiting and concurrency, exercised through stripe-java over HTTP. */
class StripeSandboxFaultsTest {

    static StripeSandbox sandbox;
    StripeClient stripe;

    @BeforeAll
    static void start() {
        sandbox = StripeSandbox.start(0);
    }

    @AfterAll
    static void stop() {
        sandbox.close();
    }

    @BeforeEach
    void setUp() {
        sandbox.reset();
        sandbox.rateLimit(0);
        stripe = client(0);
    }

    static StripeClient client(int retries) {
        return StripeSandboxTest.client(sandbox, "sk_test_x", retries);
    }

    Customer create(String name, String email) throws StripeException {
        return stripe.v1().customers().create(CustomerCreateParams.builder().setName(name).setEmail(email).build());
    }

    @Test
    void idempotentReplayCreatesOnceAndMismatchIsRejected() throws Exception {
        CustomerCreateParams params = CustomerCreateParams.builder().setEmail("k@example.com").build();
        Customer first = stripe.v1().customers().create(params, StripeSandboxTest.key("create-k-1"));
        Customer second = stripe.v1().customers().create(params, StripeSandboxTest.key("create-k-1"));
        assertThat(second.getId()).isEqualTo(first.getId());
        assertThat(second.getLastResponse().headers().firstValue("Idempotent-Replayed")).contains("true");
        assertThat(sandbox.customers()).hasSize(1);
        assertThat(sandbox.events()).hasSize(1);
        assertThat(sandbox.requests()).extracting(RecordedRequest::replayed).containsExactly(false, true);

        IdempotencyException e = catchThrowableOfType(() -> stripe.v1().customers().create(
                CustomerCreateParams.builder().setEmail("other@example.com").build(), StripeSandboxTest.key("create-k-1")),
                IdempotencyException.class);
        assertThat(e.getStatusCode()).isEqualTo(400);
        assertThat(e.getStripeError().getType()).isEqualTo("idempotency_error");
        assertThat(sandbox.customers()).hasSize(1);
    }

    @Test
    void injected500IsNotStoredSoRetryWithSameKeyExecutesOnce() throws Exception {
        sandbox.failNext("POST", "/v1/customers", 1, 500);
        CustomerCreateParams params = CustomerCreateParams.builder().setName("Retry").build();
        ApiException e = catchThrowableOfType(() -> stripe.v1().customers().create(params, StripeSandboxTest.key("k-500")),
                ApiException.class);
        assertThat(e.getStatusCode()).isEqualTo(500);
        assertThat(sandbox.customers()).isEmpty();
        Customer c = stripe.v1().customers().create(params, StripeSandboxTest.key("k-500"));
        assertThat(sandbox.customers()).extracting(m -> m.get("id")).containsExactly(c.getId());
        assertThat(sandbox.requests()).extracting(RecordedRequest::status).containsExactly(500, 200);

        // stripe-java's own retry (500 is retried under its generated key) also ends with exactly one customer
        sandbox.failNext("POST", "/v1/customers", 1, 503);
        client(2).v1().customers().create(params);
        List<RecordedRequest> last = sandbox.requests().subList(2, 4);
        assertThat(last).extracting(RecordedRequest::status).containsExactly(503, 200);
        assertThat(last.get(0).idempotencyKey()).isNotNull().isEqualTo(last.get(1).idempotencyKey());
        assertThat(sandbox.customers()).hasSize(2);
    }

    @Test
    void injected429CarriesRetryAfterAndIsNotRetriedByStripeJava() {
        sandbox.failNext("GET", "/v1/customers", 1, 429, 7);
        RateLimitException e = catchThrowableOfType(() -> client(2).v1().customers().list(),
                RateLimitException.class);
        assertThat(e.getStatusCode()).isEqualTo(429);
        assertThat(e.getStripeError().getType()).isEqualTo("rate_limit_error");
        assertThat(e.getStripeError().getLastResponse().code()).isEqualTo(429);
        assertThat(e.getStripeError().getLastResponse().headers().firstValue("Retry-After")).contains("7");
        assertThat(sandbox.requests()).hasSize(1);
    }

    @Test
    void rateLimitIsEnforcedPerSecond() throws Exception {
        sandbox.rateLimit(3);
        int ok = 0;
        int limited = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 8; i++) {
            try {
                stripe.v1().customers().list();
                ok++;
            } catch (RateLimitException e) {
                limited++;
            }
        }
        long elapsedSeconds = (System.nanoTime() - start) / 1_000_000_000L;
        assertThat(limited).isPositive();
        assertThat(ok).isLessThanOrEqualTo(3 * (int) (elapsedSeconds + 1));
        Awaitility.await().atMost(Duration.ofSeconds(3)).pollInterval(Duration.ofMillis(200))
                .ignoreException(RateLimitException.class)
                .until(() -> stripe.v1().customers().list().getObject().equals("list"));
    }

    @Test
    void concurrentRequestWithSameKeyGetsConflictWhileFirstIsInProgress() throws Exception {
        sandbox.delayNext("POST", "/v1/customers", 1, Duration.ofMillis(700));
        CustomerCreateParams params = CustomerCreateParams.builder().setName("Slow").build();
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<Object>> results = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                results.add(pool.submit(() -> {
                    try {
                        return stripe.v1().customers().create(params, StripeSandboxTest.key("slow-key"));
                    } catch (StripeException e) {
                        return e;
                    }
                }));
            }
            List<Object> outcomes = new ArrayList<>();
            for (Future<Object> f : results) {
                outcomes.add(f.get());
            }
            assertThat(outcomes).filteredOn(o -> o instanceof Customer).hasSize(1);
            assertThat(outcomes).filteredOn(o -> o instanceof ApiException)
                    .singleElement().extracting(o -> ((ApiException) o).getStatusCode()).isEqualTo(409);
        } finally {
            pool.shutdownNow();
        }
        assertThat(sandbox.customers()).hasSize(1);
        assertThat(stripe.v1().customers().create(params, StripeSandboxTest.key("slow-key")).getId())
                .isEqualTo(sandbox.customers().get(0).get("id"));
    }

    @Test
    void concurrentCreatesAreAllKept() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<Customer>> futures = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                int n = i;
                futures.add(pool.submit(() -> create("p" + n, "p" + n + "@example.com")));
            }
            for (Future<Customer> f : futures) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(sandbox.customers()).hasSize(40).extracting(m -> m.get("id")).doesNotHaveDuplicates();
        assertThat(sandbox.events()).hasSize(40);
        assertThatThrownBy(() -> stripe.v1().customers().retrieve("cus_nope")).isInstanceOf(InvalidRequestException.class);
    }
}
