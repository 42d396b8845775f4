package io.streamcrawl.job.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class PageValidatorsTest {
    private static final byte[] BODY = "<p>x</p>".getBytes(StandardCharsets.UTF_8);
    private static final String DIGEST = PayloadDigest.of(BODY).toString();
    private static final String DATE = "Thu, 01 Jan 2026 00:00:00 GMT";

    @Test
    void dropsAValidatorTooLongOrWithCharactersAHeaderCannotCarry() {
        String longest = "\"" + "e".repeat(PageValidators.MAX_ETAG_CHARS - 2) + "\"";

        assertThat(new PageValidators(longest, DATE, DIGEST, 1).etag()).isEqualTo(longest);
        assertThat(new PageValidators(longest + "e", DATE, DIGEST, 1).etag()).isNull();
        assertThat(new PageValidators("W/\"é\"", DATE, DIGEST, 1).etag()).isNull();
        assertThat(new PageValidators("", DATE, DIGEST, 1).etag()).isNull();
        assertThat(new PageValidators(null, "x".repeat(PageValidators.MAX_LAST_MODIFIED_CHARS + 1), DIGEST, 1).lastModified())
                .isNull();
        assertThat(new PageValidators(null, DATE, DIGEST, 1).lastModified()).isEqualTo(DATE);
    }

    @Test
    void aNewBodyIsANewCaptureAndARepeatKeepsTheCaptureItRepeats() {
        PageValidators first = PageValidators.after(result(null, 200, BODY, 1_000, "ETag", "\"1\"", "Last-Modified", DATE), DIGEST);
        assertThat(first).isEqualTo(new PageValidators("\"1\"", DATE, DIGEST, 1_000));

        FetchResult notModified = result(first, 304, new byte[0], 2_000, "ETag", "\"1b\"");
        assertThat(Revisit.of(notModified, PayloadDigest.of(new byte[0]).toString())).isEqualTo(Revisit.NOT_MODIFIED);
        assertThat(PageValidators.after(notModified, PayloadDigest.of(new byte[0]).toString()))
                .as("the answer's ETag, the earlier Last-Modified and capture")
                .isEqualTo(new PageValidators("\"1b\"", DATE, DIGEST, 1_000));

        FetchResult same = result(first, 200, BODY, 3_000);
        assertThat(Revisit.of(same, DIGEST)).isEqualTo(Revisit.IDENTICAL_PAYLOAD);
        assertThat(PageValidators.after(same, DIGEST)).isEqualTo(first);

        byte[] changed = "<p>y</p>".getBytes(StandardCharsets.UTF_8);
        String changedDigest = PayloadDigest.of(changed).toString();
        FetchResult other = result(first, 200, changed, 4_000, "ETag", "\"2\"");
        assertThat(Revisit.of(other, changedDigest)).isEqualTo(Revisit.NONE);
        assertThat(PageValidators.after(other, changedDigest)).isEqualTo(new PageValidators("\"2\"", null, changedDigest, 4_000));
    }

    @Test
    void onlyA2xxOr304IsACaptureAndOnlyAWholeBodyRepeatsOne() {
        PageValidators first = new PageValidators("\"1\"", null, DIGEST, 1_000);

        assertThat(PageValidators.after(result(first, 404, new byte[0], 2_000), DIGEST)).isNull();
        assertThat(Revisit.of(result(null, 200, BODY, 2_000), DIGEST)).as("a task that does not recrawl").isEqualTo(Revisit.NONE);
        assertThat(Revisit.of(result(PageValidators.NONE, 304, BODY, 2_000), DIGEST)).as("nothing captured yet")
                .isEqualTo(Revisit.NONE);
        FetchResult cut = FetchResult.response(result(first, 200, BODY, 2_000).request(), 200).body(BODY, true)
                .timing(2_000, 1).http(http(true)).build();
        assertThat(Revisit.of(cut, DIGEST)).isEqualTo(Revisit.NONE);
    }

    private static FetchResult result(PageValidators validators, int status, byte[] body, long fetchedAt, String... headers) {
        FetchRequest request = FetchRequest.builder("http://a.org/x", "t").validators(validators).build();
        return FetchResult.response(request, status).finalUrl(request.url()).body(body, false).timing(fetchedAt, 1)
                .http(new HttpMessages("http/1.1", "GET", new String[0], "", headers, status == 200)).build();
    }

    private static HttpMessages http(boolean bodyRead) {
        return new HttpMessages("http/1.1", "GET", new String[0], "OK", new String[0], bodyRead);
    }
}
