package io.twoway.reconcile;

import io.twoway.testsupport.IntegrationTest;
import org.springframework.test.context.TestPropertySource;

/**
 * Tests: the reconciliation, catch-up and backfill tests share one context: a short grace period (planted drift is
 * older than it), catch-up on but reading only at start-up and when a test asks (POST /admin/catchup/run, or a
 * route restart), and a quick check for abandoned backfills.
 */
@TestPropertySource(properties = {
        // JMX names are per JVM; the context of most tests keeps them
        "camel.main.jmx-enabled=false",
        "twoway.reconciliation.grace-seconds=1",
        "twoway.catchup.enabled=true",
        "twoway.catchup.interval-seconds=3600",
        "twoway.catchup.initial-delay-seconds=1",
        "twoway.backfill.resume-check-ms=500"
})
abstract class ReconcileIntegrationTest extends IntegrationTest {
}
