package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HostPageCapsTest {
    private final MemoryMapState<String, Long> state = new MemoryMapState<>();
    private final HostPageCaps caps = new HostPageCaps(state);

    @Test
    void aTaskReleasesUpToItsCapAndARetryGivesItsPageBack() throws Exception {
        caps.took("t", 2);
        assertThat(caps.reached("t", 2)).isFalse();
        caps.took("t", 2);
        assertThat(caps.reached("t", 2)).isTrue();

        caps.giveBack("t");
        assertThat(caps.reached("t", 2)).isFalse();
    }

    @Test
    void withoutACapNothingIsKept() throws Exception {
        caps.took("t", 0);
        caps.giveBack("t");

        assertThat(caps.reached("t", 0)).isFalse();
        assertThat(state.isEmpty()).isTrue();
    }
}
