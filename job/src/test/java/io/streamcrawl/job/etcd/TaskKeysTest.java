package io.streamcrawl.job.etcd;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TaskKeysTest {
    private final TaskKeys keys = new TaskKeys("/streamcrawl");

    @Test
    void buildsAndParsesTheDocumentedKeys() {
        assertThat(keys.key("news", TaskKeys.ENABLED)).isEqualTo("/streamcrawl/tasks/news/enabled");
        assertThat(keys.parse("/streamcrawl/tasks/news/spec")).contains(new TaskKeys.TaskKey("news", "spec"));
    }

    @Test
    void ignoresKeysThatAreNotATasksLeaf() {
        assertThat(keys.parse("/streamcrawl/jobs/x/owner")).isEmpty();
        assertThat(keys.parse("/streamcrawl/tasks/news")).isEmpty();
        assertThat(keys.parse("/streamcrawl/tasks/news/")).isEmpty();
        assertThat(keys.parse("/streamcrawl/tasks/news/spec/extra")).isEmpty();
    }
}
