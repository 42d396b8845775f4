package io.streamcrawl.job.stats;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;

/**
 * Publishes one subtask's {@link TaskCounters} to Redis at a fixed interval, as absolute values
 * in the hash {@code <prefix><task>} under the field {@code <counter>.<subtask>}, so readers sum
 * the fields of a counter over subtasks. Absolute values make a repeated or lost write harmless.
 */
public final class TaskStatsPublisher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskStatsPublisher.class);

    private final RedisClient redis;
    private final TaskCounters counters;
    private final String keyPrefix;
    private final int subtask;
    private final ScheduledExecutorService executor;

    public TaskStatsPublisher(RedisClient redis, TaskCounters counters, String keyPrefix, int subtask, Duration interval) {
        this.redis = redis;
        this.counters = counters;
        this.keyPrefix = keyPrefix;
        this.subtask = subtask;
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "task-stats-publisher-" + subtask);
            thread.setDaemon(true);
            return thread;
        });
        executor.scheduleWithFixedDelay(this::publishQuietly, interval.toMillis(), interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Writes the current values now. */
    public void publish() {
        Map<String, Map<String, Long>> view = counters.view();
        if (view.isEmpty()) {
            return;
        }
        try (AbstractPipeline pipeline = redis.pipelined()) {
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
