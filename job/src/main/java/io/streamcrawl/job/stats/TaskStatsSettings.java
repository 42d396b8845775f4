package io.streamcrawl.job.stats;

import java.io.Serializable;
import java.time.Duration;
import java.util.Set;

import org.apache.flink.api.common.TaskInfo;

import org.apache.flink.util.function.SerializableSupplier;

import redis.clients.jedis.UnifiedJedis;

/**
 * Where and how often operators publish their {@link TaskCounters}: carried by each operator
 * that counts, and turned into a running {@link TaskStatsPublisher} on the task manager.
 */
public record TaskStatsSettings(SerializableSupplier<UnifiedJedis> redis, String keyPrefix, Duration interval)
        implements Serializable {

    /**
     * Starts publishing one subtask's counters, which are the operator's own ({@code ownCounters}:
     * no other operator writes them); the caller closes the publisher.
     */
    public TaskStatsPublisher startPublishing(TaskCounters counters, Set<String> ownCounters, TaskInfo subtask) {
        return startPublishing(counters, new HostsBackingOff(), ownCounters, subtask);
    }

    /** As {@link #startPublishing(TaskCounters, Set, TaskInfo)}, with the subtask's hosts backing off. */
    public TaskStatsPublisher startPublishing(TaskCounters counters, HostsBackingOff backingOff, Set<String> ownCounters,
            TaskInfo subtask) {
        return new TaskStatsPublisher(redis.get(), counters, backingOff, keyPrefix, ownCounters,
                subtask.getIndexOfThisSubtask(), subtask.getNumberOfParallelSubtasks(), interval);
    }
}
