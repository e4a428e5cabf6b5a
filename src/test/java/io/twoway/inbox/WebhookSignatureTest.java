package io.twoway.inbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stripe.net.Webhook;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Signature verification on raw bytes, checked against stripe-java's own verifier. */
class WebhookSignatureTest {

    private static final String SECRET = "whsec_unit";
    private static final byte[] BODY = "{\"id\":\"evt_1\",\"name\":\"Zoë ☃\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void aHeaderThatStripeJavaAcceptsIsAccepted() throws Exception {
        long now = 1_800_000_000L;
        String header = WebhookSignature.sign(now, BODY, SECRET);
        Webhook.Signature.verifyHeader(new String(BODY, StandardCharsets.UTF_8), header, SECRET, 0);
        new WebhookSignature(SECRET, 300).verify(BODY, header, now + 300);
    }

    @Test
    void oldTimestampsAreRefusedButNotFutureOnesAsTheSdkDoes() throws Exception {
        WebhookSignature verifier = new WebhookSignature(" whsec_a , " + SECRET, 300);
        String header = WebhookSignature.sign(1000, BODY, SECRET);
        assertThatThrownBy(() -> verifier.verify(BODY, header, 1301)).hasMessageContaining("301 s old");
        verifier.verify(BODY, header, 900);
    }

    @Test
    void noSecretRefusesEverything() {
        WebhookSignature verifier = new WebhookSignature("", 300);
        assertThat(verifier.configured()).isFalse();
        assertThatThrownBy(() -> verifier.verify(BODY, WebhookSignature.sign(1, BODY, SECRET), 1)).hasMessageContaining("no webhook secret");
    }
}
