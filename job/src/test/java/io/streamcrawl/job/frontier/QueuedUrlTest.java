package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.model.EntryKind;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.HostFeedback;
import io.streamcrawl.job.model.HostSignal;

import org.junit.jupiter.api.Test;

class QueuedUrlTest {
    private static final FrontierEntry ENTRY = FrontierEntry.builder("http://a.org/x", "t").depth(2).priority(3)
            .parent("http://a.org/").redirects(1).build();

    @Test
    void anEntryWaitsWithoutWhatOnlyTheWireCarries() {
        FrontierEntry retry = ENTRY.toBuilder().release(Long.MIN_VALUE + 7).build()
                .retryAfterFailure(HostFeedback.of(HostSignal.URL_FAILED, 500, null));

        assertThat(QueuedUrl.of(ENTRY)).isEqualTo(new QueuedUrl("http://a.org/x", "t", 2, 3, "http://a.org/", false, 1, 0));
        assertThat(QueuedUrl.of(retry)).as("the feedback, retry mark and release token stay on the wire")
                .isEqualTo(new QueuedUrl("http://a.org/x", "t", 2, 3, "http://a.org/", false, 1, 1));
        assertThat(QueuedUrl.of(retry).recrawl()).isEqualTo(QueuedUrl.of(ENTRY));
        assertThat(QueuedUrl.of(ENTRY.as(EntryKind.SITEMAP)).sitemap()).isTrue();
        assertThat(QueuedUrl.of(ENTRY).fingerprint()).isEqualTo(ENTRY.fingerprint());
    }

    @Test
    void itsRequestCarriesWhatItCarries() {
        FetchRequest request = QueuedUrl.of(ENTRY.retryAfterFailure(HostFeedback.of(HostSignal.FAILED, 503, null)))
                .request().build();

        assertThat(request).isEqualTo(FetchRequest.builder("http://a.org/x", "t").depth(2).priority(3)
                .parent("http://a.org/").redirects(1).attempt(1).build());
    }
}
