package io.streamcrawl.job.frontier;

/**
 * The keyed state of the current host, by part: each part keeps its own state and decides from
 * it. The {@link HostScheduler} binds them to Flink's keyed state once; a unit test binds them to
 * state in memory.
 */
record HostParts(
        HostSeen seen,
        HostBacklog backlog,
        HostTurns turns,
        HostPacing pacing,
        HostRobots robots,
        HostRecrawl recrawl,
        HostPageCaps caps,
        HostTimer timer) {}
