package io.streamcrawl.job.frontier;

import io.streamcrawl.job.config.TaskSpecParser;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TaskView}s of the tasks' current specs, each parsed once. Only the view of each
 * task's current spec is kept, so the cache holds at most one view per task of the broadcast
 * state however often the specs change. A spec in the broadcast state was
 * accepted when it was written, but a savepoint can carry it into a build whose validation is
 * stricter: such a spec gives no view, so the task's URLs wait (as for a task whose spec has not
 * arrived) until the spec is written again, instead of failing the job over and over.
 */
final class TaskViews {
    private static final Logger LOG = LoggerFactory.getLogger(TaskViews.class);

    private final ParsedPerTask<TaskView> views = new ParsedPerTask<>(TaskViews::parse);

    /** The view of a task's spec; null when the task has no spec or its spec no longer parses. */
    TaskView of(String task, TaskState state) {
        return views.of(task, state == null ? null : state.specJson());
    }

    private static TaskView parse(String task, String json) {
        TaskSpecParser.Result parsed = TaskSpecParser.parse(json);
        if (!parsed.accepted()) {
            LOG.error("Task {}: its stored spec is no longer valid ({}); its URLs wait until the spec is written "
                    + "again", task, parsed.rejection());
            return null;
        }
        return TaskView.of(parsed.spec());
    }
}
