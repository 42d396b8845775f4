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

/**
 * Counters reach Redis as absolute per-subtask fields, as of the last completed checkpoint;
 * fields of subtasks gone after a rescale are removed.
 */
class TaskStatsPublisherITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final Set<String> OWN = Set.of(TaskCounters.QUEUED, TaskCounters.RELEASED);

    @Test
    void publishesAbsoluteValuesPerSubtask() {
        TaskCounters counters = new TaskCounters();
        counters.add("news", TaskCounters.QUEUED, 5);
        counters.add("news", TaskCounters.QUEUED, -2);
        counters.add("blog", TaskCounters.RELEASED, 7);
        counters.taken(1);
        counters.add("blog", TaskCounters.RELEASED, 1);
        counters.checkpointComplete(1);
        try (RedisClient redis = client();
                TaskStatsPublisher publisher = new TaskStatsPublisher(client(), counters, new HostsBackingOff(), "a:", OWN, 1, 2, Duration.ofMinutes(1))) {
            publisher.publish();
            publisher.publish();

            // The values of checkpoint 1, with its id for each of the operator's counters.
            assertThat(redis.hgetAll("a:news"))
                    .isEqualTo(Map.of("queued.1", "3", "queued_checkpoint.1", "1", "released_checkpoint.1", "1"));
            assertThat(redis.hgetAll("a:blog"))
                    .isEqualTo(Map.of("released.1", "7", "queued_checkpoint.1", "1", "released_checkpoint.1", "1"));
        }
    }

    @Test
    void publishesTheReportCountersToTheirOwnHashAndRemovesThoseOfGoneSubtasks() {
        TaskCounters counters = new TaskCounters();
        counters.add("news", TaskCounters.DONE, 2);
        counters.add("news", "report:status:200", 2);
        counters.add("news", "report:host:example.org:fetches", 2);
        counters.taken(1);
        counters.checkpointComplete(1);
        Set<String> own = Set.of(TaskCounters.DONE, ReportCounters.FAMILY);
        try (RedisClient redis = client()) {
            redis.hset("r:news:report", Map.of("status:200.0", "9", "status:404.2", "1", "host:a.org:fetches.3", "4"));
            try (TaskStatsPublisher publisher = new TaskStatsPublisher(client(), counters, new HostsBackingOff(), "r:", own, 0, 2,
                    Duration.ofMinutes(1))) {
                await().until(() -> redis.hlen("r:news:report") == 1);
                publisher.publish();
            }

            assertThat(redis.hgetAll("r:news"))
                    .isEqualTo(Map.of("done.0", "2", "done_checkpoint.0", "1", "report_checkpoint.0", "1"));
            assertThat(redis.hgetAll("r:news:report"))
                    .isEqualTo(Map.of("status:200.0", "2", "host:example.org:fetches.0", "2"));
        }
    }

    @Test
    void subtaskZeroRemovesItsCountersOfSubtasksThatNoLongerExist() {
        try (RedisClient redis = client()) {
            redis.hset("b:news", Map.of("queued.0", "1", "queued.1", "2", "queued.2", "3", "released.3", "4",
                    "released_checkpoint.3", "9", "pages.2", "5", "other", "6"));
            try (TaskStatsPublisher publisher =
                    new TaskStatsPublisher(client(), new TaskCounters(), new HostsBackingOff(), "b:", OWN, 0, 2, Duration.ofMinutes(1))) {
                await().until(() -> !redis.hexists("b:news", "released.3") && !redis.hexists("b:news", "released_checkpoint.3"));
            }
            // pages.* belong to another operator, with its own parallelism.
            assertThat(redis.hgetAll("b:news")).isEqualTo(Map.of("queued.0", "1", "queued.1", "2", "pages.2", "5", "other", "6"));
        }
    }

    @Test
    void publishesEachTasksHostsBackingOffAndReadsThoseStillPausingLongestFirst() {
        HostsBackingOff backingOff = new HostsBackingOff();
        long now = 1_000_000;
        for (int i = 1; i <= 7; i++) {
            backingOff.pausedUntil("news", "h" + i + ".org", now + i * 1_000);
        }
        backingOff.pausedUntil("news", "past.org", now - 1);
        backingOff.pausedUntil("news", "h2.org", now + 20_000);
        backingOff.ended("news", "h3.org");
        backingOff.pausedUntil("blog", "h1.org", now + 5_000);
        try (RedisClient redis = client();
                TaskStatsPublisher publisher = new TaskStatsPublisher(
                        client(), new TaskCounters(), backingOff, "c:", OWN, 0, 1, Duration.ofMinutes(1))) {
            publisher.publish();
            backingOff.ended("news", "h1.org");
            publisher.publish();

            HostsBackingOff.Summary news = HostsBackingOff.read(redis, "c:", "news", now, 5);
            assertThat(news.hosts()).isEqualTo(5);
            assertThat(news.longest()).extracting(HostsBackingOff.Pause::host)
                    .containsExactly("h2.org", "h7.org", "h6.org", "h5.org", "h4.org");
            assertThat(news.longest().get(0).until()).isEqualTo(now + 20_000);
            assertThat(HostsBackingOff.read(redis, "c:", "blog", now, 5).hosts()).isEqualTo(1);
        }
    }

    private static RedisClient client() {
        return RedisClient.create(REDIS.host(), REDIS.port());
    }
}
