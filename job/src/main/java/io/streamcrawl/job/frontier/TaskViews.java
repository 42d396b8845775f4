package io.streamcrawl.job.frontier;

import io.streamcrawl.job.config.TaskSpecParser;

import java.util.HashMap;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link TaskView}s of the tasks' specs, each parsed once. A spec in the broadcast state was
 * accepted when it was written, but a savepoint can carry it into a build whose validation is
 * stricter: such a spec gives no view, so the task's URLs wait (as for a task whose spec has not
 * arrived) until the spec is written again, instead of failing the job over and over.
 */
final class TaskViews {
    private static final Logger LOG = LoggerFactory.getLogger(TaskViews.class);

    /** Spec JSON to its view; null for a spec that no longer parses. */
    private final Map<String, TaskView> views = new HashMap<>();

    /** The view of a task's spec; null when the task has no spec or its spec no longer parses. */
    TaskView of(String task, TaskState state) {
        if (state == null || state.specJson() == null) {
            return null;
        }
        String json = state.specJson();
        if (!views.containsKey(json)) {
            TaskSpecParser.Result parsed = TaskSpecParser.parse(json);
            if (!parsed.accepted()) {
                LOG.error("Task {}: its stored spec is no longer valid ({}); its URLs wait until the spec is written "
                        + "again", task, parsed.rejection());
            }
            views.put(json, parsed.accepted() ? TaskView.of(parsed.spec()) : null);
        }
        return views.get(json);
    }
}
