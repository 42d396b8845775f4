package io.streamcrawl.job.frontier;

import io.streamcrawl.job.config.FetchSettings;
import io.streamcrawl.job.config.TaskSpec;
import io.streamcrawl.job.url.TaskScope;

/**
 * A task's accepted spec with what the scheduler derives from it once: the scope and the fetch
 * settings of its pages, of robots.txt files (any media type, at most {@link RobotsPolicy#MAX_BYTES})
 * and of sitemaps (any media type), and its recrawl interval ({@link RecrawlInterval#NONE}: none).
 */
record TaskView(
        TaskSpec spec,
        TaskScope scope,
        FetchSettings fetch,
        FetchSettings robotsFetch,
        FetchSettings sitemapFetch,
        RecrawlInterval recrawl) {
    private static final String[] ANY_TYPE = new String[0];

    static TaskView of(TaskSpec spec) {
        String[] hosts = spec.scope().hosts().isEmpty()
                ? TaskScope.ofSeeds(spec.seeds()).hosts()
                : spec.scope().hosts().toArray(String[]::new);
        TaskScope scope = new TaskScope(hosts, spec.scope().include().toArray(String[]::new),
                spec.scope().exclude().toArray(String[]::new), spec.maxUrlLength());
        return new TaskView(spec, scope,
                settings(spec, spec.fetch().maxBytes(), spec.fetch().contentTypes().toArray(String[]::new)),
                settings(spec, RobotsPolicy.MAX_BYTES, ANY_TYPE),
                settings(spec, spec.fetch().maxBytes(), ANY_TYPE),
                RecrawlInterval.of(spec));
    }

    private static FetchSettings settings(TaskSpec spec, long maxBytes, String[] contentTypes) {
        TaskSpec.Fetch fetch = spec.fetch();
        return new FetchSettings(fetch.userAgent(), fetch.timeoutMs(), maxBytes, contentTypes,
                spec.politeness().maxInFlightPerHost(), spec.robots().sitemaps(), fetch.maxRedirects(),
                spec.scope().allowPrivate(), spec.scope().allowPrivateHosts().toArray(String[]::new));
    }
}
