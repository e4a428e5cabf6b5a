package io.twoway.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.twoway.testsupport.Http;
import io.twoway.testsupport.IntegrationTest;
import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import org.jolokia.support.spring.SpringJolokiaAgent;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * Watching: Hawtio, embedded on the management port, asks for the API token (its Jolokia endpoint too), and a headless
 * Chromium that gives the token at the browser's Basic prompt sees the Camel context's routes by id, with a route's
 * diagram and its exchange counts. The loopback Jolokia agent, for a Hawtio run elsewhere, answers as before.
 * The browser is Debian's chromium and chromium-driver; .ci/run installs them, and without them this test fails.
 */
class HawtioBrowserTest extends IntegrationTest {

    private static final File CHROMIUM = new File("/usr/bin/chromium");
    private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
    /** Generous: the shared machine is slow at times, and Hawtio loads its whole JMX tree before it shows the Camel one. */
    private static final Duration PATIENCE = Duration.ofSeconds(120);
    private static final String OUTBOX_RELAY_MBEAN = "org.apache.camel:context=twoway,type=routes,name=%22outbox-relay%22";

    @Autowired
    private SpringJolokiaAgent agent;

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private static void assertUnauthorized(Http.Reply reply, String path) {
        assertThat(reply.status()).as(path).isEqualTo(401);
        assertThat(reply.headers().firstValue("WWW-Authenticate")).as(path)
                .hasValueSatisfying(v -> assertThat(v).startsWith("Basic realm=\"twoway\""));
    }

    private static void assertHawtioPage(int status, String contentType, String body, String what) {
        assertThat(status).as(what).isEqualTo(200);
        assertThat(contentType).as(what).startsWith("text/html");
        assertThat(body).as(what).contains("<title>Hawtio</title>", "<base href=\"/actuator/hawtio/\">");
    }

    @Test
    void theConsoleAndItsJolokiaEndpointAskForTheToken() throws Exception {
        Http anonymous = management().withoutToken();
        for (String path : List.of("/hawtio", "/hawtio/", "/actuator/hawtio", "/actuator/hawtio/", "/actuator/hawtio/index.html",
                "/actuator/hawtio/camel/routes", "/actuator/hawtio/hawtconfig.json", "/actuator/hawtio/jolokia/version",
                "/actuator/jolokia", "/actuator/jolokia/version", "/actuator/jolokia/read/" + OUTBOX_RELAY_MBEAN + "/RouteId")) {
            assertUnauthorized(anonymous.get(path), path);
        }
        assertUnauthorized(management().withAuthorization(basic("ops", "not-the-token-at-all-0000")).get("/actuator/hawtio/"), "a wrong token");

        // /hawtio leads to the console, which Hawtio serves under the management base path
        Http.Reply shortPath = management().get("/hawtio");
        assertThat(shortPath.status()).isEqualTo(302);
        assertThat(shortPath.headers().firstValue("Location")).hasValueSatisfying(l -> assertThat(l).endsWith("/actuator/hawtio/"));
        HttpResponse<String> followed = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build().send(
                HttpRequest.newBuilder(URI.create(management().base() + "/hawtio")).header("Authorization", basic("any", API_TOKEN)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertHawtioPage(followed.statusCode(), followed.headers().firstValue("Content-Type").orElse(""), followed.body(), "/hawtio, followed");

        for (Http console : List.of(management(), management().withAuthorization(basic("any-user", API_TOKEN)))) {
            Http.Reply page = console.get("/actuator/hawtio/");
            assertHawtioPage(page.status(), page.headers().firstValue("Content-Type").orElse(""), page.body(), "/actuator/hawtio/");
        }

        // what Hawtio reads: the Camel context's MBeans, through the Jolokia endpoint, with the token
        Http.Reply routeId = management().get("/actuator/hawtio/jolokia/read/" + OUTBOX_RELAY_MBEAN + "/RouteId");
        assertThat(routeId.status()).as(routeId.body()).isEqualTo(200);
        assertThat(routeId.json().path("value").asText()).isEqualTo("outbox-relay");
    }

    @Test
    void theLoopbackAgentForAHawtioElsewhereStillAnswers() {
        String url = agent.getUrl();
        assertThat(url).as("the agent's address").startsWith("http://127.0.0.1:");
        Http direct = new Http(url.replaceAll("/+$", ""), null);
        Http.Reply version = direct.get("/version");
        assertThat(version.status()).as(version.body()).isEqualTo(200);
        assertThat(version.json().path("value").path("agent").asText()).isNotBlank();
        Http.Reply routeId = direct.get("/read/" + OUTBOX_RELAY_MBEAN + "/RouteId");
        assertThat(routeId.json().path("value").asText()).as(routeId.body()).isEqualTo("outbox-relay");
    }

    @Test
    void aBrowserGivenTheTokenSeesTheRoutesOnTheCamelTab() {
        assertThat(CHROMIUM.canExecute()).as(CHROMIUM + " is missing: apt-get install chromium chromium-driver (.ci/run does)").isTrue();
        assertThat(CHROMEDRIVER.canExecute()).as(CHROMEDRIVER + " is missing: apt-get install chromium-driver (.ci/run does)").isTrue();
        ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).usingAnyFreePort().build();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000");
        WebDriver browser = new ChromeDriver(service, options);
        try {
            // the user name is anything, the password is the token: what the browser's Basic prompt takes
            browser.get(management().base().replace("://", "://any:" + API_TOKEN + "@") + "/hawtio");
            WebDriverWait wait = new WebDriverWait(browser, PATIENCE, Duration.ofMillis(250));
            wait.ignoring(StaleElementReferenceException.class);
            wait.until(ExpectedConditions.urlContains("/actuator/hawtio/"));

            wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//a[contains(@class,'nav__link')][normalize-space()='Camel']"))).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(treeNode("twoway")));
            // routes are grouped by their route group: a role's routes under it (TWOWAY_ROLES), the others under "default"
            for (String[] grouped : List.of(new String[] {"default", "webhook-stripe-receive"}, new String[] {"sync", "stripe-customer-sync"},
                    new String[] {"relay", "outbox-relay"})) {
                if (browser.findElements(treeNode(grouped[1])).stream().noneMatch(WebElement::isDisplayed)) {
                    wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//span[contains(@class,'tree-view__node-container')]"
                            + "[button[contains(@class,'tree-view__node-text')][normalize-space()='" + grouped[0] + "']]"
                            + "/button[contains(@class,'tree-view__node-toggle')]"))).click();
                }
                wait.until(ExpectedConditions.visibilityOfElementLocated(treeNode(grouped[1])));
            }

            // a route's diagram, each step with its exchange count
            wait.until(ExpectedConditions.elementToBeClickable(treeNode("outbox-relay"))).click();
            wait.until(ExpectedConditions.elementToBeClickable(By.xpath("//a[contains(@class,'nav__link')][normalize-space()='Route Diagram']"))).click();
            WebElement from = wait.until(d -> d.findElements(By.cssSelector(".react-flow__node")).stream()
                    .filter(node -> node.getText().contains("From scheduler:") && node.getText().matches("(?s).*\\d.*"))
                    .findFirst().orElse(null));
            assertThat(from.getText()).contains("From scheduler:");
            assertThat(browser.getCurrentUrl()).contains("/actuator/hawtio/camel/routeDiagram");
        } finally {
            browser.quit();
        }
    }

    /** A node of Hawtio's Camel tree (the context, its routes, its endpoints), by its label. */
    private static By treeNode(String label) {
        return By.xpath("//button[contains(@class,'tree-view__node-text')][normalize-space()='" + label + "']");
    }
}
