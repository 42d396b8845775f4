package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.etcd.HostControls;

import org.junit.jupiter.api.Test;

class HostControlViewsTest {
    private final HostControlViews views = new HostControlViews();

    @Test
    void aBlockedHostWaitsUntilItsTimeAndAnotherHostGoesOn() {
        TaskState state = withControls(HostControls.NONE.blockedUntil("a.example", 5_000, 0).toJson());

        assertThat(views.blocked("t", state, "a.example", 4_999)).isTrue();
        assertThat(views.blocked("t", state, "a.example", 5_000)).isFalse();
        assertThat(views.blocked("t", state, "b.example", 0)).isFalse();
    }

    @Test
    void aHostsDelayReplacesTheSpecsAndOthersKeepTheSpecs() {
        TaskState state = withControls(HostControls.NONE.delayMs("a.example", 0L, 0).toJson());

        assertThat(views.delayMs("t", state, "a.example", 1_000)).isZero();
        assertThat(views.delayMs("t", state, "b.example", 1_000)).isEqualTo(1_000);
        assertThat(views.delayMs("t", withControls(null), "a.example", 1_000)).isEqualTo(1_000);
    }

    @Test
    void unreadableControlsAreIgnored() {
        assertThat(views.blocked("t", withControls("{not json"), "a.example", 0)).isFalse();
        assertThat(views.delayMs("t", withControls("{not json"), "a.example", 700)).isEqualTo(700);
    }

    private static TaskState withControls(String json) {
        return new TaskState("{}", true, false, json);
    }
}
