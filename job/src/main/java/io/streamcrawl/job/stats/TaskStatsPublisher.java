package io.streamcrawl.job.stats;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.ScanIteration;
import redis.clients.jedis.UnifiedJedis;

/**
 * Publishes one subtask's {@link TaskCounters}, as of the last completed checkpoint (see there),
 * to Redis at a fixed interval and when a checkpoint completes, as absolute values in the hash
 * {@code <prefix><task>} under the field {@code <counter>.<subtask>}, so readers sum the fields
 * of a counter over subtasks; {@code <counter>_checkpoint.<subtask>} holds the checkpoint's id
 * for each of the operator's own counters. Absolute values make a repeated or lost write harmless.
 * The counters of the crawl report ({@link ReportCounters}, {@code report:<counter>}) go to a hash
 * of their own, {@code <prefix><task>:report}, as {@code <counter>.<subtask>}, so that the
 * progress readers' hash stays small.
 */
public final class TaskStatsPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskStatsPublisher.class);
    private static final String REPORT_SUFFIX = ":" + ReportCounters.FAMILY;

    private final UnifiedJedis redis;
    private final TaskCounters counters;
    private final HostsBackingOff backingOff;
    private final String keyPrefix;
    private final Set<String> ownCounters;
    private final int subtask;
    private final ScheduledExecutorService executor;
    /** Publishes failed since the last success: an outage is logged when it starts and ends, not at every try. */
    private int failedPublishes;

    /**
     * Starts publishing. Subtask 0 first removes the fields of {@code ownCounters} written by
     * subtasks that no longer exist (after a rescale to {@code parallelism}): their values
     * moved to the remaining subtasks with the operator state.
     */
    public TaskStatsPublisher(UnifiedJedis redis, TaskCounters counters, HostsBackingOff backingOff, String keyPrefix,
            Set<String> ownCounters, int subtask, int parallelism, Duration interval) {
        this.redis = redis;
        this.counters = counters;
        this.backingOff = backingOff;
        this.keyPrefix = keyPrefix;
        this.ownCounters = ownCounters;
        this.subtask = subtask;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "task-stats-publisher-" + subtask);
            thread.setDaemon(true);
            return thread;
        });
        if (subtask == 0) {
            executor.execute(() -> removeGoneSubtasks(ownCounters, parallelism));
        }
        executor.scheduleWithFixedDelay(this::publishQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void removeGoneSubtasks(Set<String> ownCounters, int parallelism) {
        try {
            // A scan iteration visits every master of a cluster, where a plain SCAN (one node) is refused.
            ScanIteration keys = redis.scanIteration(100, keyPrefix + "*", "hash"); // not the sets of HostsBackingOff
            while (!keys.isIterationCompleted()) {
                for (String key : keys.nextBatchList()) {
                    String[] gone = redis.hkeys(key).stream()
                            .filter(field -> isOfGoneSubtask(key, field, ownCounters, parallelism))
                            .toArray(String[]::new);
                    if (gone.length > 0) {
                        redis.hdel(key, gone);
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("Cannot remove the task counters of gone subtasks from Redis: {}", e.toString());
        }
    }

    /** The Redis hash of a task's report counters. */
    public static String reportKeyOf(String keyPrefix, String task) {
        return keyPrefix + task + REPORT_SUFFIX;
    }

    /**
     * Whether a field of the hash {@code key} is one of the operator's own counters ({@code ownCounters}
     * names counters, or families of counters {@code <family>:…}) written by a subtask at or above
     * {@code parallelism}.
     */
    static boolean isOfGoneSubtask(String key, String field, Set<String> ownCounters, int parallelism) {
        int dot = field.lastIndexOf('.');
        String counter = dot < 0 ? "" : (key.endsWith(REPORT_SUFFIX) ? ReportCounters.PREFIX : "") + field.substring(0, dot);
        String family = counter.contains(":") ? counter.substring(0, counter.indexOf(':')) : counter;
        if (!ownCounters.contains(family) && ownCounters.stream().map(TaskCounters::checkpointOf).noneMatch(counter::equals)) {
            return false;
        }
        try {
            return Integer.parseInt(field.substring(dot + 1)) >= parallelism;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Writes the values of the last completed checkpoint, and the changes of the hosts backing off, now. */
    public void publish() {
        TaskCounters.Completed completed = counters.completed();
        String checkpoint = Long.toString(completed.checkpointId());
        try (AbstractPipeline pipeline = redis.pipelined()) {
            backingOff.flush(pipeline, keyPrefix);
            completed.values().forEach((task, values) -> {
                Map<String, String> fields = new HashMap<>();
                Map<String, String> report = new HashMap<>();
                values.forEach((counter, value) -> {
                    if (counter.startsWith(ReportCounters.PREFIX)) {
                        report.put(counter.substring(ReportCounters.PREFIX.length()) + "." + subtask, Long.toString(value));
                    } else {
                        fields.put(counter + "." + subtask, Long.toString(value));
                    }
                });
                ownCounters.forEach(counter -> fields.put(TaskCounters.checkpointOf(counter) + "." + subtask, checkpoint));
                pipeline.hset(keyPrefix + task, fields);
                if (!report.isEmpty()) {
                    pipeline.hset(reportKeyOf(keyPrefix, task), report);
                }
            });
            pipeline.sync();
        }
    }

    /** Publishes soon, off the caller's thread: a checkpoint completed. */
    public void publishSoon() {
        if (!executor.isShutdown()) {
            executor.execute(this::publishQuietly);
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        publishQuietly();
        redis.close();
    }

    private synchronized void publishQuietly() {
        try {
            publish();
        } catch (RuntimeException e) {
            if (failedPublishes++ == 0) {
                LOG.warn("Cannot publish task counters to Redis: {}; trying again at each interval and checkpoint",
                        e.toString());
            }
            return;
        }
        if (failedPublishes > 0) {
            LOG.info("Task counters published to Redis again after {} failed tries", failedPublishes);
            failedPublishes = 0;
        }
    }
}
