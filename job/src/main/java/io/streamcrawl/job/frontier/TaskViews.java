package io.streamcrawl.job.frontier;

import io.streamcrawl.job.config.TaskSpecParser;

import java.util.HashMap;
import java.util.Map;

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

    /** A task's spec JSON and its view; the view is null for a spec that no longer parses. */
    private record Parsed(String json, TaskView view) {}

    private final Map<String, Parsed> views = new HashMap<>();

    /** The view of a task's spec; null when the task has no spec or its spec no longer parses. */
    TaskView of(String task, TaskState state) {
        if (state == null || state.specJson() == null) {
            views.remove(task);
            return null;
        }
        String json = state.specJson();
        Parsed parsed = views.get(task);
        if (parsed == null || !parsed.json().equals(json)) {
            parsed = new Parsed(json, parse(task, json));
            views.put(task, parsed);
        }
        return parsed.view();
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
