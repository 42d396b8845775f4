package io.streamcrawl.job.architecture.cycle.b;

import io.streamcrawl.job.architecture.cycle.a.Upstream;

/** The other half of the package cycle that {@code ArchitectureTest} must report. */
public final class Downstream {
    Upstream back;
}
