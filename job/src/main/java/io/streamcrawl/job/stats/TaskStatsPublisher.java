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
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * Publishes one subtask's {@link TaskCounters} to Redis at a fixed interval, as absolute values
 * in the hash {@code <prefix><task>} under the field {@code <counter>.<subtask>}, so readers sum
 * the fields of a counter over subtasks. Absolute values make a repeated or lost write harmless.
 */
public final class TaskStatsPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskStatsPublisher.class);

    private final UnifiedJedis redis;
    private final TaskCounters counters;
    private final HostsBackingOff backingOff;
    private final String keyPrefix;
    private final int subtask;
    private final ScheduledExecutorService executor;

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
            ScanParams match = new ScanParams().match(keyPrefix + "*").count(100);
            String cursor = ScanParams.SCAN_POINTER_START;
            do {
                ScanResult<String> keys = redis.scan(cursor, match, "hash"); // not the sets of HostsBackingOff
                for (String key : keys.getResult()) {
                    String[] gone = redis.hkeys(key).stream()
                            .filter(field -> isOfGoneSubtask(field, ownCounters, parallelism))
                            .toArray(String[]::new);
                    if (gone.length > 0) {
                        redis.hdel(key, gone);
                    }
                }
                cursor = keys.getCursor();
            } while (!cursor.equals(ScanParams.SCAN_POINTER_START));
        } catch (RuntimeException e) {
            LOG.warn("Cannot remove the task counters of gone subtasks from Redis: {}", e.toString());
        }
    }

    static boolean isOfGoneSubtask(String field, Set<String> ownCounters, int parallelism) {
        int dot = field.lastIndexOf('.');
        if (dot < 0 || !ownCounters.contains(field.substring(0, dot))) {
            return false;
        }
        try {
            return Integer.parseInt(field.substring(dot + 1)) >= parallelism;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Writes the current values, and the changes of the hosts backing off, now. */
    public void publish() {
        Map<String, Map<String, Long>> view = counters.view();
        try (AbstractPipeline pipeline = redis.pipelined()) {
            backingOff.flush(pipeline, keyPrefix);
            view.forEach((task, values) -> {
                Map<String, String> fields = new HashMap<>();
                values.forEach((counter, value) -> fields.put(counter + "." + subtask, Long.toString(value)));
                pipeline.hset(keyPrefix + task, fields);
            });
            pipeline.sync();
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        publishQuietly();
        redis.close();
    }

    private void publishQuietly() {
        try {
            publish();
        } catch (RuntimeException e) {
            LOG.warn("Cannot publish task counters to Redis: {}", e.toString());
        }
    }
}
