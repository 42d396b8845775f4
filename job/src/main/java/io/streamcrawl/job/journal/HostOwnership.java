package io.streamcrawl.job.journal;

import java.util.function.Predicate;

import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.util.Preconditions;

/**
 * Whether a host is one of a subtask's keys: its key group falls in the subtask's range, as
 * {@code keyBy(host)} assigns it. A fetcher subtask gets the releases of the scheduler subtask of
 * the same index (a forward edge), so these are the hosts whose pages it fetches.
 */
public final class HostOwnership implements Predicate<String> {
    private final int maxParallelism;
    private final int parallelism;
    private final int subtask;

    public HostOwnership(int maxParallelism, int parallelism, int subtask) {
        Preconditions.checkArgument(subtask >= 0 && subtask < parallelism,
                "subtask %s out of 0..%s", subtask, parallelism - 1);
        this.maxParallelism = maxParallelism;
        this.parallelism = parallelism;
        this.subtask = subtask;
    }

    @Override
    public boolean test(String host) {
        return KeyGroupRangeAssignment.assignKeyToParallelOperator(host, maxParallelism, parallelism) == subtask;
    }
}
