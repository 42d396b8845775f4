package io.streamcrawl.job.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CrawlProgressTest {

    @Test
    void idleWhenNothingIsQueuedInFlightUnreadOrPending() {
        assertThat(new CrawlProgress(0, 0, 10, 1, 0, 0).idle()).isTrue();
        assertThat(new CrawlProgress(1, 0, 10, 1, 0, 0).idle()).as("queued").isFalse();
        assertThat(new CrawlProgress(0, 1, 10, 1, 0, 0).idle()).as("in flight").isFalse();
        assertThat(new CrawlProgress(0, 0, 10, 1, 1, 0).idle()).as("unread").isFalse();
        assertThat(new CrawlProgress(0, 0, 10, 1, 0, 1).idle()).as("pending").isFalse();
    }

    @Test
    void aFetchFinishedTwiceAfterAFailureDoesNotKeepTheTaskBusy() {
        assertThat(new CrawlProgress(0, -1, 501, 0, 0, 0).idle()).isTrue();
    }
}
