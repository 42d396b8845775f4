package io.streamcrawl.job.architecture.cycle.a;

import io.streamcrawl.job.architecture.cycle.b.Downstream;

/** Half of a package cycle that {@code ArchitectureTest} must report. */
public final class Upstream {
    Downstream next;
}
