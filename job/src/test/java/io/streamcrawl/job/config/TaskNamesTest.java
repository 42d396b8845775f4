package io.streamcrawl.job.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskNamesTest {
    @Test
    void taskNamesAreSafeForKeysAndStreams() {
        assertThat(TaskNames.isValid("news-2026.v1_a")).isTrue();
        assertThat(TaskNames.isValid("a/b")).isFalse();
        assertThat(TaskNames.isValid("")).isFalse();
        assertThat(TaskNames.isValid(" x")).isFalse();
    }
}
