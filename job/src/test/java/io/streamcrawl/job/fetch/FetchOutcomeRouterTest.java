package io.streamcrawl.job.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.streamcrawl.job.frontier.EntryKind;
import io.streamcrawl.job.frontier.FrontierEntry;
import io.streamcrawl.job.frontier.HostFeedback;
import io.streamcrawl.job.frontier.HostSignal;
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
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new FetchOutcomeRouter());
    }

    @AfterEach
    void close() throws Exception {
        harness.close();
    }

    @Test
    void sendsADeferredPageBackToTheFrontOfItsQueueAndMakesNoPage() throws Exception {
        FetchRequest request = page("http://a.org/x", 0);

        harness.processElement(FetchResult.deferred(request), 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(feedback()).containsExactly(new FrontierEntry("http://a.org/x", "t", 2, 0, null)
                .retry(HostFeedback.of(HostSignal.BUSY, 0, "deferred: host busy")));
    }

    @Test
    void followsARedirectAsAnEntryOneStepDownTheChainUntilTheLimit() throws Exception {
        FetchRequest first = page("http://a.org/r0", 0);
        FetchRequest last = page("http://a.org/r5", 5);

        harness.processElement(FetchFixtures.redirect(first, 301, "http://a.org/r1"), 0);
        harness.processElement(FetchFixtures.redirect(last, 302, "http://a.org/r6"), 0);
        harness.processElement(FetchFixtures.redirect(first, 302, "http://elsewhere.org/"), 0);

        assertThat(harness.extractOutputValues()).hasSize(3);
        assertThat(feedback()).singleElement().satisfies(entry -> {
            assertThat(entry.url()).isEqualTo("http://a.org/r1");
            assertThat(entry.kind()).isEqualTo(EntryKind.URL);
            assertThat(entry.redirects()).isEqualTo(1);
            assertThat(entry.depth()).isEqualTo(2);
            assertThat(entry.parent()).isEqualTo("http://a.org/r0");
        });
    }

    @Test
    void sendsTheAnswerToARobotsRequestToItsOriginsScheduler() throws Exception {
        FetchRequest robots = new FetchRequest("http://a.org/robots.txt", "t", 0, 0, false, SCOPE, SETTINGS, null, 0,
                FetchPurpose.ROBOTS, 0);
        byte[] body = "User-agent: *\nDisallow: /x\n".getBytes(StandardCharsets.UTF_8);

        harness.processElement(FetchFixtures.response(robots, 200, robots.url(), "text/plain", body, false, 0, 3), 0);
        harness.processElement(FetchResult.failed(robots, FetchFailure.TIMEOUT, 0, 5_000, "timeout"), 0);

        assertThat(harness.extractOutputValues()).isEmpty();
        assertThat(feedback()).extracting(FrontierEntry::kind, FrontierEntry::feedback).containsExactly(
                tuple(EntryKind.ROBOTS, new HostFeedback(null, 200, null, "User-agent: *\nDisallow: /x\n")),
                tuple(EntryKind.ROBOTS, new HostFeedback(null, 0, "timeout", null)));
    }

    private static FetchRequest page(String url, int redirects) {
        return new FetchRequest(url, "t", 2, 0, true, SCOPE, SETTINGS, null, 0, FetchPurpose.PAGE, redirects);
    }

    private List<FrontierEntry> feedback() {
        return harness.getSideOutput(FetchOutcomeRouter.FEEDBACK) == null ? List.of()
                : harness.getSideOutput(FetchOutcomeRouter.FEEDBACK).stream().map(StreamRecord::getValue).toList();
    }
}
