package io.streamcrawl.job.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class HostControlsTest {
    @Test
    void aBlockAndADelayOfOneHostKeepEachOther() throws Exception {
        HostControls controls = HostControls.NONE.blockedUntil("a.example", 5_000, 1_000).delayMs("a.example", 2_000L, 1_000);

        assertThat(HostControls.parse(controls.toJson())).isEqualTo(controls);
        assertThat(controls.of("a.example")).isEqualTo(new HostControls.Control(5_000, 2_000L));
        assertThat(controls.of("b.example")).isEqualTo(new HostControls.Control(0, null));
    }

    @Test
    void hostsWithNothingLeftToControlAreDroppedOnTheNextChange() throws Exception {
        HostControls controls = HostControls.NONE.blockedUntil("a.example", 5_000, 1_000)
                .blockedUntil("b.example", 9_000, 1_000)
                .delayMs("c.example", 100L, 1_000);

        // At 6 s a.example's block has passed; unblocking c.example's (none) keeps its delay.
        HostControls later = controls.blockedUntil("c.example", 0, 6_000);

        assertThat(later.hosts()).isEqualTo(Map.of(
                "b.example", new HostControls.Control(9_000, null), "c.example", new HostControls.Control(0, 100L)));
        assertThat(later.delayMs("c.example", null, 6_000).blockedUntil("b.example", 0, 6_000).hosts()).isEmpty();
    }

    @Test
    void noKeyIsNoControl() throws Exception {
        assertThat(HostControls.parse(null)).isEqualTo(HostControls.NONE);
    }
}
