package io.streamcrawl.job.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.testing.RedisServerExtension;

import java.time.Duration;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.RedisClient;

/** Counters reach Redis as absolute per-subtask fields; fields of subtasks gone after a rescale are removed. */
class TaskStatsPublisherITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Set<String> OWN = Set.of(TaskCounters.QUEUED, TaskCounters.RELEASED);

    @Test
    void publishesAbsoluteValuesPerSubtask() {
        TaskCounters counters = new TaskCounters();
        counters.add("news", TaskCounters.QUEUED, 5);
        counters.add("news", TaskCounters.QUEUED, -2);
        counters.add("blog", TaskCounters.RELEASED, 7);
        try (RedisClient redis = client();
                TaskStatsPublisher publisher = new TaskStatsPublisher(client(), counters, "a:", OWN, 1, 2, Duration.ofMinutes(1))) {
            publisher.publish();
            publisher.publish();

            assertThat(redis.hgetAll("a:news")).isEqualTo(Map.of("queued.1", "3"));
            assertThat(redis.hgetAll("a:blog")).isEqualTo(Map.of("released.1", "7"));
        }
    }

    @Test
    void subtaskZeroRemovesItsCountersOfSubtasksThatNoLongerExist() {
        try (RedisClient redis = client()) {
            redis.hset("b:news", Map.of("queued.0", "1", "queued.1", "2", "queued.2", "3", "released.3", "4",
                    "pages.2", "5", "other", "6"));
            try (TaskStatsPublisher publisher =
                    new TaskStatsPublisher(client(), new TaskCounters(), "b:", OWN, 0, 2, Duration.ofMinutes(1))) {
                await().until(() -> !redis.hexists("b:news", "released.3"));
            }
            // pages.* belong to another operator, with its own parallelism.
            assertThat(redis.hgetAll("b:news")).isEqualTo(Map.of("queued.0", "1", "queued.1", "2", "pages.2", "5", "other", "6"));
        }
    }

    private static RedisClient client() {
        return RedisClient.create(REDIS.host(), REDIS.port());
    }
}
