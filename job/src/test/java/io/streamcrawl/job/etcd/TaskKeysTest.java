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
    void buildsTheKeysOfACrawlNamespace() {
        assertThat(keys.jobKey("streamcrawl", TaskKeys.OWNER)).isEqualTo("/streamcrawl/jobs/streamcrawl/owner");
        assertThat(keys.workersPrefix("streamcrawl")).isEqualTo("/streamcrawl/jobs/streamcrawl/workers/");
        assertThat(keys.workerKey("streamcrawl", "10.0.0.7:36211-7c1a4e", 3))
                .isEqualTo("/streamcrawl/jobs/streamcrawl/workers/10.0.0.7:36211-7c1a4e/3");
        assertThat(keys.workerKey("c", "pod/tm", 0)).isEqualTo("/streamcrawl/jobs/c/workers/pod_tm/0");
    }

    @Test
    void ignoresKeysThatAreNotATasksLeaf() {
        assertThat(keys.parse("/streamcrawl/jobs/x/owner")).isEmpty();
        assertThat(keys.parse("/streamcrawl/tasks/news")).isEmpty();
        assertThat(keys.parse("/streamcrawl/tasks/news/")).isEmpty();
        assertThat(keys.parse("/streamcrawl/tasks/news/spec/extra")).isEmpty();
    }
}
