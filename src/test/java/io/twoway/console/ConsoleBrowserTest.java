package io.twoway.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.stripe.StripeClient;
import com.stripe.param.CustomerCreateParams;
import com.stripe.param.CustomerUpdateParams;
import io.twoway.testsupport.Http;
import io.twoway.testsupport.IntegrationTest;
import io.twoway.testsupport.LocalInfrastructure;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.camel.CamelContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Operator console: the page at /console asks for the token like every other path, and a headless Chromium given the
 * token at the browser's Basic prompt watches the outbox backlog move, resolves a conflict, runs a reconciliation and
 * replays a dead letter from it, with the database and the Stripe sandbox agreeing afterwards. Each screen is saved
 * under target/console-screenshots/. The browser is Debian's chromium and chromium-driver, as for HawtioBrowserTest.
 */
class ConsoleBrowserTest extends IntegrationTest {

    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    private static final Duration PATIENCE = Duration.ofSeconds(90);
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final Path SCREENSHOTS = Path.of("target", "console-screenshots");

    @Autowired
    private CamelContext camel;

    private WebDriver browser;
    private WebDriverWait wait;

    @BeforeEach
    void openBrowser() {
        assertThat(CHROMIUM.canExecute()).as(CHROMIUM + " is missing: apt-get install chromium chromium-driver (.ci/run does)").isTrue();
        assertThat(CHROMEDRIVER.canExecute()).as(CHROMEDRIVER + " is missing: apt-get install chromium-driver (.ci/run does)").isTrue();
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1280,800");
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1280, 800));
        wait = new WebDriverWait(browser, PATIENCE, Duration.ofMillis(250));
        wait.ignoring(StaleElementReferenceException.class);
    }

    @AfterEach
    void closeBrowser() throws Exception {
        if (browser != null) {
            browser.quit();
        }
        camel.getRouteController().startRoute("outbox-relay");
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private String consoleUrl(String password) {
        return "http://any:" + password + "@localhost:" + port + "/console";
    }

    /** Opens the console with the token as the Basic password and waits for the overview's first answer. */
    private void openConsole() {
        browser.get(consoleUrl(API_TOKEN));
        wait.until(ExpectedConditions.textMatches(By.id("ov-updated"), java.util.regex.Pattern.compile("^updated")));
    }

    private void tab(String name) {
        wait.until(ExpectedConditions.elementToBeClickable(By.cssSelector("#tabs a[data-tab='" + name + "']"))).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id(name)));
    }

    /** Accepts the confirm() that every change asks, and waits for the words that say what came of it. */
    private String confirmAndReadNotice() {
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        WebElement notice = wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("notice")));
        return notice.getText();
    }

    private void screenshot(String name) throws IOException {
        Files.createDirectories(SCREENSHOTS);
        File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), SCREENSHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    private StripeClient api() {
        return StripeClient.builder().setApiKey(LocalInfrastructure.SANDBOX_API_KEY).setApiBase(stripe.baseUrl()).setMaxNetworkRetries(0).build();
    }

    private static String email() {
        return "console-" + UUID.randomUUID() + "@example.com";
    }

    private long backlogOnPage() {
        String text = browser.findElement(By.id("ov-backlog")).getText().trim();
        return text.matches("\\d+") ? Long.parseLong(text) : -1;
    }

    @Test
    void aWrongTokenIsRefused() {
        Http anonymous = http().withoutToken();
        for (String path : List.of("/console", "/console/", "/console/console.js", "/console/uPlot.iife.min.js")) {
            Http.Reply reply = anonymous.get(path);
            assertThat(reply.status()).as(path).isEqualTo(401);
            assertThat(reply.headers().firstValue("WWW-Authenticate")).as(path)
                    .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm=\"twoway\""));
        }
        assertThat(http().withAuthorization(basic("any", "not-the-token-at-all-0000")).get("/console").status()).isEqualTo(401);

        Http.Reply page = http().withAuthorization(basic("any", API_TOKEN)).get("/console");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
        assertThat(page.body()).contains("<title>Twoway console</title>");
        assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(v -> assertThat(v).contains("default-src 'self'"));
        for (String file : List.of("/console/console.js", "/console/console.css", "/console/uPlot.iife.min.js", "/console/uPlot.min.css")) {
            assertThat(http().get(file).status()).as(file).isEqualTo(200);
        }
        assertThat(http().get("/console/nothing-here.js").status()).isEqualTo(404);
        assertThat(http().get("/console/..%2Fdocs%2Findex.html").status()).isEqualTo(404);

        browser.get(consoleUrl("not-the-token-at-all-0000"));
        wait.until(d -> "complete".equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript("return document.readyState")));
        // Chromium keeps the refused page blank (it would ask again); what matters is that the console does not render
        assertThat(browser.findElements(By.id("tabs"))).isEmpty();
        assertThat(browser.getPageSource()).doesNotContain("Twoway console", "console.js");
        assertThat(browser.getTitle()).isNotEqualTo("Twoway console");
    }

    @Test
    void theOverviewShowsTheBacklogMoving() throws Exception {
        openConsole();
        wait.until(d -> backlogOnPage() >= 0);
        camel.getRouteController().stopRoute("outbox-relay");
        try {
            for (int i = 0; i < 3; i++) {
                http().createCustomer("Backlog " + i, email());
            }
            wait.until(d -> backlogOnPage() >= 3);
            assertThat(browser.findElement(By.id("ov-database")).getText()).isEqualTo("up");
            for (String chart : List.of("chart-relayed", "chart-stripe", "chart-webhooks")) {
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#" + chart + " .uplot canvas")));
            }
            screenshot("overview");
        } finally {
            camel.getRouteController().startRoute("outbox-relay");
        }
        wait.until(d -> backlogOnPage() == 0);

        // a narrow window: the page reflows rather than scrolling sideways
        browser.manage().window().setSize(new Dimension(420, 800));
        wait.until(d -> (Boolean) ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "return document.documentElement.scrollWidth <= window.innerWidth"));
        screenshot("overview-narrow");
    }

    @Test
    void anEmailCollisionIsResolvedFromThePage() throws Exception {
        // as ConflictTest plants one: Stripe customer S, imported, is given the email of local customer Holder
        String taken = email();
        long holder = http().createCustomer("Holder", taken);
        await().atMost(WAIT).until(() -> count("select count(*) from sync_state where customer_id = ?", holder) == 1);
        String stripeId = api().v1().customers().create(CustomerCreateParams.builder().setName("S").setEmail(email()).build()).getId();
        await().atMost(WAIT).until(() -> count("select count(*) from customers where stripe_customer_id = ?", stripeId) == 1);
        long imported = count("select id from customers where stripe_customer_id = ?", stripeId);
        api().v1().customers().update(stripeId, CustomerUpdateParams.builder().setName("S Renamed").setEmail(taken).build());
        await().atMost(WAIT).until(() -> count("select count(*) from conflicts where external_id = ? and type = 'email_collision' and status = 'open'",
                stripeId) == 1);
        long conflictId = count("select id from conflicts where external_id = ? and type = 'email_collision'", stripeId);

        openConsole();
        tab("conflicts");
        new Select(browser.findElement(By.cssSelector("#cf-filter select[name=type]"))).selectByVisibleText("email_collision");
        browser.findElement(By.cssSelector("#cf-filter button[type=submit]")).click();
        By row = By.cssSelector("#cf-table tbody tr[data-id='" + conflictId + "']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        screenshot("conflicts-list");

        browser.findElement(By.cssSelector("#cf-table tbody tr[data-id='" + conflictId + "'] td:nth-child(3)")).click();
        WebElement merged = wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#cf-detail input.merge[name=email]")));
        assertThat(browser.findElement(By.cssSelector("#cf-detail tr[data-field=email]")).getText()).contains(taken);
        assertThat(browser.findElements(By.cssSelector("#cf-detail tr[data-field=email] td.changed"))).isNotEmpty();
        String fresh = email();
        merged.clear();
        merged.sendKeys(fresh);
        screenshot("conflict-detail");
        browser.findElement(By.id("cf-merge")).click();
        String notice = confirmAndReadNotice();
        assertThat(notice).as(notice).containsIgnoringCase("resolved");
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#cf-detail h3"), "(resolved)"));

        assertThat(jdbc.queryForObject("select status from conflicts where id = ?", String.class, conflictId)).isEqualTo("resolved");
        await().atMost(WAIT).until(() -> fresh.equals(jdbc.queryForObject("select email from customers where id = ?", String.class, imported)));
        await().atMost(WAIT).until(() -> fresh.equals(stripe.customer(stripeId).orElseThrow().get("email")));
        assertThat(jdbc.queryForObject("select email from customers where id = ?", String.class, holder)).isEqualTo(taken);
        assertThat(jdbc.queryForObject("select name from customers where id = ?", String.class, imported))
                .isEqualTo(stripe.customer(stripeId).orElseThrow().get("name"));
    }

    @Test
    void aReconciliationStartedFromThePageReportsThePlantedMismatch() throws Exception {
        // as ReconciliationTest plants one: a local customer Stripe never got, changed an hour ago (past the grace period)
        long localOnly = count("insert into customers (name, email, updated_at) values ('Only Local', ?, now() - interval '1 hour') returning id", email());

        openConsole();
        tab("reconciliation");
        browser.findElement(By.id("rc-start")).click();
        String notice = confirmAndReadNotice();
        assertThat(notice).as(notice).containsIgnoringCase("started");
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("rc-detail")));
        wait.until(ExpectedConditions.textMatches(By.id("rc-detail-title"), java.util.regex.Pattern.compile(": (completed|failed|abandoned)")));
        assertThat(browser.findElement(By.id("rc-detail-title")).getText()).contains("completed");
        // the reports' trend: a chart of the mismatches each finished run found
        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart-reports .uplot canvas")));

        new Select(browser.findElement(By.cssSelector("#rc-filter select[name=kind]"))).selectByVisibleText("missing_remote");
        browser.findElement(By.cssSelector("#rc-filter button[type=submit]")).click();
        By mine = By.xpath("//table[@id='rc-mismatches']/tbody/tr[@data-kind='missing_remote'][td[4][normalize-space()='" + localOnly + "']]");
        wait.until(d -> {
            if (!d.findElements(mine).isEmpty()) {
                return true;
            }
            WebElement next = d.findElement(By.id("rc-next"));
            if (next.isEnabled() && d.findElements(By.cssSelector("#rc-mismatches tbody tr[data-kind='missing_remote']")).size() > 0) {
                next.click(); // another class's leftovers may come first: page on
            }
            return false;
        });
        // the table may render again between finding the row and clicking it: the wait tries again (it ignores stale rows)
        wait.until(d -> {
            d.findElement(mine).click();
            return true;
        });
        ((org.openqa.selenium.JavascriptExecutor) browser).executeScript("arguments[0].scrollIntoView({block:'center'})", browser.findElement(mine));
        screenshot("reconciliation-report");

        // repaired from the page: the customer Stripe never got is created there, once, and linked
        browser.findElement(mine).findElement(By.cssSelector("button[data-direction='to_remote']")).click();
        String repaired = confirmAndReadNotice();
        assertThat(browser.findElement(By.id("notice")).getAttribute("class")).as(repaired).isEqualTo("good");
        await().atMost(WAIT).until(() -> stripeCustomersOf(localOnly).size() == 1);
        await().atMost(WAIT).until(() -> jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, localOnly) != null);
        awaitPipelineIdle();
        assertThat(stripeCustomersOf(localOnly)).hasSize(1);
        assertThat(jdbc.queryForObject("select stripe_customer_id from customers where id = ?", String.class, localOnly))
                .isEqualTo(stripeCustomersOf(localOnly).get(0).get("id"));
    }

    @Test
    void aDeadLetterIsReplayedFromThePage() throws Exception {
        // as DeadLetterTest plants one: Stripe refuses the create (400), and the sync gives up at once
        awaitPipelineIdle();
        stripe.failNext("POST", "/v1/customers", 1, 400);
        String mail = email();
        long customer = http().createCustomer("Refused Once", mail);
        await().atMost(WAIT).until(() -> count("select count(*) from dead_letters where customer_id = ?", customer) == 1);
        long letter = count("select id from dead_letters where customer_id = ?", customer);
        assertThat(stripeCustomersOf(customer)).isEmpty();

        openConsole();
        tab("dlq");
        By row = By.cssSelector("#dl-table tbody tr[data-id='" + letter + "']");
        wait.until(ExpectedConditions.visibilityOfElementLocated(row));
        assertThat(browser.findElement(row).getText()).contains("400");
        screenshot("dead-letters");
        browser.findElement(By.cssSelector("#dl-table tbody tr[data-id='" + letter + "'] button.replay")).click();
        String notice = confirmAndReadNotice();
        assertThat(notice).as(notice).containsIgnoringCase("replay");
        assertThat(browser.findElement(By.id("notice")).getAttribute("class")).isEqualTo("good");

        await().atMost(WAIT).until(() -> stripeCustomersOf(customer).size() == 1);
        awaitPipelineIdle();
        assertThat(stripeCustomersOf(customer)).hasSize(1);
        assertThat(stripeCustomersOf(customer).get(0)).containsEntry("email", mail);
        assertThat(jdbc.queryForObject("select status from dead_letters where id = ?", String.class, letter)).isEqualTo("replayed");
        Map<String, Object> local = jdbc.queryForMap("select stripe_customer_id from customers where id = ?", customer);
        assertThat(local.get("stripe_customer_id")).isEqualTo(stripeCustomersOf(customer).get(0).get("id"));

        // the customer, found by email, and its timeline tell the story
        tab("customer");
        browser.findElement(By.id("cu-q")).sendKeys(mail);
        browser.findElement(By.cssSelector("#cu-search button[type=submit]")).click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#cu-timeline li.kind-dead_letter")));
        screenshot("customer-timeline");
    }
}
