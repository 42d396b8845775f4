package io.streamcrawl.job.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streamcrawl.job.config.FetchSettings;
import io.streamcrawl.job.model.EntryKind;
import io.streamcrawl.job.model.FailureCause;
import io.streamcrawl.job.model.FetchFailure;
import io.streamcrawl.job.model.FetchPurpose;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.HostFeedback;
import io.streamcrawl.job.model.HostSignal;
import io.streamcrawl.job.model.HttpMessages;
import io.streamcrawl.job.model.PageValidators;
import io.streamcrawl.job.model.PayloadDigest;
import io.streamcrawl.job.model.RecordedOutcome;
import io.streamcrawl.job.url.TaskScope;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class FetchOutcomeRouterTest {
    private static final TaskScope SCOPE = TaskScope.ofSeeds(List.of("http://a.org/"));
    private static final FetchSettings SETTINGS = FetchFixtures.settings("ua", 5_000, 1_000, new String[0], 1);

    private OneInputStreamOperatorTestHarness<FetchResult, FetchResult> harness;

    @BeforeEach
    void open() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new FetchOutcomeRouter(2));
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void sendsADeferredPageBackToTheFrontOfItsQueueAndMakesNoPage() throws Exception {
        FetchRequest request = page("http://a.org/x", 0);

        harness.processElement(FetchResult.deferred(request, "deferred: host busy"), 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(feedback()).containsExactly(new FrontierEntry("http://a.org/x", "t", 2, 0, null)
                .retry(HostFeedback.of(HostSignal.BUSY, 0, "deferred: host busy")));
    }

    @Test
    void passesARedirectAndAPageRecordedBeforeAFailureOnToTheParserAlone() throws Exception {
        FetchResult redirect = FetchFixtures.redirect(page("http://a.org/r0", 0), 301, "http://a.org/r1");
        FetchResult recorded = FetchResult.recorded(page("http://a.org/x", 0), new RecordedOutcome(503, "HTTP 503"));

        harness.processElement(redirect, 0);
        harness.processElement(recorded, 0);

        assertThat(harness.extractOutputValues()).extracting(result -> result.request().url(), FetchResult::failure)
                .containsExactly(tuple("http://a.org/r0", FetchFailure.NONE), tuple("http://a.org/x", FetchFailure.RECORDED));
        assertThat(feedback()).isEmpty();
    }

    @Test
    void sendsTheAnswerToARobotsRequestToItsOriginsScheduler() throws Exception {
        FetchRequest robots = FetchFixtures.request("http://a.org/robots.txt", FetchPurpose.ROBOTS, SCOPE, SETTINGS, 0, 0,
                false);
        byte[] body = "User-agent: *\nDisallow: /x\n".getBytes(StandardCharsets.UTF_8);

        harness.processElement(FetchFixtures.response(robots, 200, robots.url(), "text/plain", body, false, 0, 3), 0);
        harness.processElement(FetchResult.failed(robots, FetchFailure.TIMEOUT).cause(FailureCause.HEAD)
                .timing(0, 5_000).error("timeout").build(), 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(feedback()).extracting(FrontierEntry::kind, FrontierEntry::feedback).containsExactly(
                tuple(EntryKind.ROBOTS, HostFeedback.robots(200, null, "User-agent: *\nDisallow: /x\n")),
                tuple(EntryKind.ROBOTS, HostFeedback.robots(0, "timeout", null)));
    }

    @Test
    void retriesAHostLevelFailureTwiceThenRecordsItAndSignalsEveryFailureToTheHost() throws Exception {
        HostFeedback tooMany = HostFeedback.builder(HostSignal.FAILED).status(429).retryAfterMs(2_000).build();

        harness.processElement(FetchFixtures.status(attempt("http://a.org/x", 0), 429, 2_000), 0);
        harness.processElement(FetchFixtures.status(attempt("http://a.org/x", 1), 503, -1), 0);
        harness.processElement(
                FetchResult.failed(attempt("http://a.org/x", 2), FetchFailure.TIMEOUT).cause(FailureCause.HEAD)
                        .timing(0, 5_000).error("timeout").build(), 0);
        harness.processElement(FetchFixtures.status(attempt("http://a.org/gone", 0), 404, -1), 0);

        assertThat(harness.extractOutputValues()).extracting(FetchResult::status).containsExactly(0, 404);
        FrontierEntry x = new FrontierEntry("http://a.org/x", "t", 2, 0, null);
        assertThat(feedback()).containsExactly(
                x.retryAfterFailure(tooMany),
                attemptEntry(x, 1).retryAfterFailure(HostFeedback.of(HostSignal.FAILED, 503, null)),
                FrontierEntry.feedback("http://a.org/x", "t", EntryKind.HOST,
                        HostFeedback.builder(HostSignal.FAILED).error("timeout").cause(FailureCause.HEAD).build()));
    }

    @Test
    void retriesAUrlLevelFailureOnItsOwnAndTellsTheHostNothingOfItsLastFailure() throws Exception {
        harness.processElement(FetchFixtures.status(attempt("http://a.org/x", 0), 500, -1), 0);
        harness.processElement(
                FetchResult.failed(attempt("http://a.org/x", 1), FetchFailure.NETWORK).cause(FailureCause.BODY)
                        .timing(0, 10).error("reset").build(), 0);
        harness.processElement(FetchFixtures.status(attempt("http://a.org/x", 2), 502, -1), 0);

        FrontierEntry x = new FrontierEntry("http://a.org/x", "t", 2, 0, null);
        assertThat(feedback()).containsExactly(
                x.retryAfterFailure(HostFeedback.of(HostSignal.URL_FAILED, 500, null)),
                attemptEntry(x, 1).retryAfterFailure(
                        HostFeedback.builder(HostSignal.URL_FAILED).error("reset").cause(FailureCause.BODY).build()));
        assertThat(harness.extractOutputValues()).extracting(FetchResult::status).containsExactly(502);
    }

    @Test
    void reportsASuccessOnlyWhenTheSchedulerAsks() throws Exception {
        harness.processElement(FetchFixtures.status(FetchFixtures.request(
                "http://a.org/a", FetchPurpose.PAGE, SCOPE, SETTINGS, 0, 0, true), 404, -1), 0);
        harness.processElement(FetchFixtures.status(page("http://a.org/b", 0), 200, -1), 0);

        assertThat(feedback()).containsExactly(FrontierEntry.feedback("http://a.org/a", "t", EntryKind.HOST,
                HostFeedback.of(HostSignal.OK, 404, null)));
        assertThat(harness.extractOutputValues()).hasSize(2);
    }

    @Test
    void tellsTheSchedulerOfARecrawlingTasksPageWhatItsNextFetchNeeds() throws Exception {
        byte[] body = "<p>x</p>".getBytes(StandardCharsets.UTF_8);
        PageValidators captured = new PageValidators("\"v1\"", null, PayloadDigest.of(body).toString(), 1_000);

        harness.processElement(answer(recrawling("http://a.org/x", PageValidators.NONE, FetchPurpose.PAGE), 200, body, 1_000), 0);
        harness.processElement(answer(recrawling("http://a.org/x", captured, FetchPurpose.PAGE), 304, new byte[0], 2_000), 0);
        harness.processElement(answer(recrawling("http://a.org/gone", PageValidators.NONE, FetchPurpose.PAGE), 404, body, 0), 0);
        harness.processElement(answer(recrawling("http://a.org/s.xml", PageValidators.NONE, FetchPurpose.SITEMAP), 200, body, 0), 0);
        harness.processElement(answer(page("http://a.org/y", 0), 200, body, 0), 0);

        assertThat(feedback()).containsExactly(
                FrontierEntry.feedback("http://a.org/x", "t", EntryKind.CAPTURE, HostFeedback.capture(200, captured, 7)),
                FrontierEntry.feedback("http://a.org/x", "t", EntryKind.CAPTURE, HostFeedback.capture(304, captured, 7)));
        assertThat(harness.extractOutputValues()).hasSize(5);
    }

    private static FetchRequest recrawling(String url, PageValidators validators, FetchPurpose purpose) {
        return FetchRequest.builder(url, "t").task(SCOPE, SETTINGS).purpose(purpose).released(1, 7).validators(validators)
                .build();
    }

    private static FetchResult answer(FetchRequest request, int status, byte[] body, long fetchedAt) {
        return FetchResult.response(request, status).finalUrl(request.url()).body(body, false).timing(fetchedAt, 1)
                .http(new HttpMessages("http/1.1", "GET", new String[0], "", new String[] {"ETag", "\"v1\""}, status == 200))
                .build();
    }

    private static FetchRequest page(String url, int redirects) {
        return FetchFixtures.request(url, FetchPurpose.PAGE, SCOPE, SETTINGS, redirects, 0, false);
    }

    private static FetchRequest attempt(String url, int attempt) {
        return FetchFixtures.request(url, FetchPurpose.PAGE, SCOPE, SETTINGS, 0, attempt, false);
    }

    private static FrontierEntry attemptEntry(FrontierEntry entry, int attempt) {
        return entry.toBuilder().retry(false).feedback(null).redirects(0).attempt(attempt).release(0).build();
    }

    private List<FrontierEntry> feedback() {
        return harness.getSideOutput(FetchOutcomeRouter.FEEDBACK) == null ? List.of()
                : harness.getSideOutput(FetchOutcomeRouter.FEEDBACK).stream().map(StreamRecord::getValue).toList();
    }
}
