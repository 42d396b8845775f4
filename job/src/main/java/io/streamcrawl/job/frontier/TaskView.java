package io.streamcrawl.job.frontier;

import io.streamcrawl.job.config.TaskSpec;
import io.streamcrawl.job.config.TaskSpecParser;
import io.streamcrawl.job.fetch.FetchSettings;
import io.streamcrawl.job.url.TaskScope;

/** A task's accepted spec with what the scheduler derives from it once: the scope and the fetch settings. */
record TaskView(TaskSpec spec, TaskScope scope, FetchSettings fetch) {
    static TaskView of(String specJson) {
        TaskSpec spec = TaskSpecParser.parse(specJson).spec();
        if (spec == null) {
            throw new IllegalStateException("an accepted spec no longer parses: " + specJson);
        }
        String[] hosts = spec.scope().hosts().isEmpty()
                ? TaskScope.ofSeeds(spec.seeds()).hosts()
                : spec.scope().hosts().toArray(String[]::new);
        TaskScope scope = new TaskScope(hosts, spec.scope().include().toArray(String[]::new),
                spec.scope().exclude().toArray(String[]::new), spec.maxUrlLength());
        FetchSettings fetch = new FetchSettings(
                spec.fetch().userAgent(),
                spec.fetch().timeoutMs(),
                spec.fetch().maxBytes(),
                spec.fetch().contentTypes().toArray(String[]::new),
                spec.politeness().maxInFlightPerHost());
        return new TaskView(spec, scope, fetch);
    }
}
