package io.streamcrawl.job.frontier;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The parsed views kept per task: the current spec's only, so specs that changed or went are not kept. */
class TaskViewsTest {
    private static final String FIRST = "{\"seeds\": [\"http://a.org/\"], \"maxDepth\": 1}";
    private static final String SECOND = "{\"seeds\": [\"http://a.org/\"], \"maxDepth\": 2}";

    @Test
    void aSpecIsParsedOnceWhileItIsCurrent() {
        TaskViews views = new TaskViews();
        TaskView view = views.of("t", new TaskState(FIRST, true, false));
        assertThat(views.of("t", new TaskState(FIRST, false, false))).isSameAs(view);
        assertThat(view.spec().maxDepth()).isEqualTo(1);
    }

    @Test
    void theViewOfASpecThatWasReplacedOrDeletedIsNotKept() {
        TaskViews views = new TaskViews();
        TaskView first = views.of("t", new TaskState(FIRST, true, false));
        assertThat(views.of("t", new TaskState(SECOND, true, false)).spec().maxDepth()).isEqualTo(2);
        TaskView again = views.of("t", new TaskState(FIRST, true, false));
        assertThat(again).as("parsed again: the first view was dropped").isNotSameAs(first);
        assertThat(again.spec()).isEqualTo(first.spec());

        assertThat(views.of("t", new TaskState(null, false, true))).isNull();
        assertThat(views.of("t", new TaskState(FIRST, true, false))).isNotSameAs(again);
    }
}
