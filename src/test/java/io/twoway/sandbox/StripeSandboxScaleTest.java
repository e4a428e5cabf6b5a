package io.twoway.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.stripe.StripeClient;
import com.stripe.model.Customer;
import com.stripe.model.StripeCollection;
import com.stripe.param.CustomerListParams;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** 100,000 customers (and events) paged in full, as reconciliation does; prints times and heap, asserts no timing. */
class StripeSandboxScaleTest {

    static final int CUSTOMERS = 100_000;
    static final int PAGE = 100;

    @Test
    void seededCustomersPageNewestFirstInAThousandPagesOverHttp() throws Exception {
        long heapBefore = usedHeap();
        try (StripeSandbox sandbox = StripeSandbox.start(0)) {
            List<StripeSandbox.SeedCustomer> seeds = new ArrayList<>(CUSTOMERS);
            long created = 1_700_000_000L;
            for (int i = 0; i < CUSTOMERS; i++) {
                seeds.add(new StripeSandbox.SeedCustomer("Customer " + i, "c" + i + "@example.com",
                        Map.of("twoway_id", String.valueOf(i)), created + i / 10));
            }
            long started = System.nanoTime();
            List<String> ids = sandbox.seedCustomers(seeds);
            long seedMs = millisSince(started);
            seeds = null; // not part of the sandbox's heap
            long heapSeeded = usedHeap() - heapBefore;
            assertThat(ids).hasSize(CUSTOMERS);
            assertThat(sandbox.customerCount()).isEqualTo(CUSTOMERS);

            StripeClient stripe = StripeSandboxTest.client(sandbox, "sk_test_x", 0);
            Set<String> seen = new HashSet<>();
            List<String> listed = new ArrayList<>(CUSTOMERS);
            int pages = 0;
            String last = null;
            boolean hasMore = true;
            started = System.nanoTime();
            while (hasMore) {
                StripeCollection<Customer> page = stripe.v1().customers().list(CustomerListParams.builder()
                        .setLimit((long) PAGE).setStartingAfter(last).build());
                pages++;
                hasMore = page.getHasMore();
                assertThat(hasMore).as("has_more on page %d", pages).isEqualTo(pages < CUSTOMERS / PAGE);
                for (Customer c : page.getData()) {
                    assertThat(seen.add(c.getId())).as("seen once: %s", c.getId()).isTrue();
                    listed.add(c.getId());
                }
                assertThat(page.getData()).hasSize(PAGE); // 100,000 is a whole number of pages
                last = listed.get(listed.size() - 1);
            }
            long passMs = millisSince(started);
            long heapAfterPass = usedHeap() - heapBefore;

            assertThat(pages).isEqualTo(CUSTOMERS / PAGE);
            List<String> newestFirst = new ArrayList<>(ids);
            Collections.reverse(newestFirst); // the last seeded is the newest
            assertThat(listed).isEqualTo(newestFirst);
            System.out.printf("stripe-sandbox scale: seeded %,d customers in %,d ms (heap +%,d MB, %,d bytes each); "
                            + "%,d pages of %d over HTTP in %,d ms (%.2f ms a page); heap after, with the test's id "
                            + "lists, +%,d MB%n",
                    CUSTOMERS, seedMs, heapSeeded >> 20, heapSeeded / CUSTOMERS, pages, PAGE, passMs,
                    passMs / (double) pages, heapAfterPass >> 20);
        }
    }

    @Test
    void createdCustomersAndTheirEventsStayCompactAndPageInAThousandPages() {
        long heapBefore = usedHeap();
        try (WebhookSender webhooks = new WebhookSender()) {
            EventLog events = new EventLog(webhooks);
            CustomerStore store = new CustomerStore(events);
            CustomerApi api = new CustomerApi(store);
            List<String> newestFirst = new ArrayList<>(CUSTOMERS);
            long started = System.nanoTime();
            for (int i = 0; i < CUSTOMERS; i++) {
                Map<String, String> fields = new HashMap<>();
                fields.put("name", "Customer " + i);
                fields.put("email", "c" + i + "@example.com");
                newestFirst.add((String) store.create(fields, Map.of("twoway_id", String.valueOf(i)),
                        new RequestContext(StripeIds.request(), "twoway-create-" + i)).get("id"));
            }
            long createMs = millisSince(started);
            long heapCreated = usedHeap() - heapBefore;

            started = System.nanoTime();
            PassResult customers = pass(api::list);
            PassResult created = pass(params -> {
                params.put("type", "customer.created");
                return events.list(params);
            });
            long passMs = millisSince(started);

            assertThat(customers.pages()).isEqualTo(CUSTOMERS / PAGE);
            assertThat(created.pages()).isEqualTo(CUSTOMERS / PAGE);
            Collections.reverse(newestFirst);
            assertThat(customers.ids()).isEqualTo(newestFirst);
            assertThat(created.ids()).hasSize(CUSTOMERS).doesNotHaveDuplicates();
            System.out.printf("stripe-sandbox scale: created %,d customers and their events in %,d ms (heap +%,d MB, "
                            + "%,d bytes a customer with its event); two in-process passes of %,d pages in %,d ms%n",
                    CUSTOMERS, createMs, heapCreated >> 20, heapCreated / CUSTOMERS, CUSTOMERS / PAGE, passMs);
        }
    }

    private record PassResult(int pages, List<String> ids) {
    }

    /** Pages through a list endpoint in-process with limit=100 and starting_after, checking has_more and page sizes. */
    @SuppressWarnings("unchecked")
    private static PassResult pass(Function<Map<String, Object>, Map<String, Object>> list) {
        List<String> ids = new ArrayList<>(CUSTOMERS);
        int pages = 0;
        boolean hasMore = true;
        while (hasMore) {
            Map<String, Object> params = new HashMap<>();
            params.put("limit", String.valueOf(PAGE));
            if (!ids.isEmpty()) {
                params.put("starting_after", ids.get(ids.size() - 1));
            }
            Map<String, Object> page = list.apply(params);
            pages++;
            hasMore = (Boolean) page.get("has_more");
            assertThat(hasMore).as("has_more on page %d", pages).isEqualTo(pages < CUSTOMERS / PAGE);
            List<Map<String, Object>> data = (List<Map<String, Object>>) page.get("data");
            assertThat(data).hasSize(PAGE);
            data.forEach(item -> ids.add((String) item.get("id")));
        }
        return new PassResult(pages, ids);
    }

    private static long usedHeap() {
        Runtime runtime = Runtime.getRuntime();
        System.gc();
        System.gc();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }
}
