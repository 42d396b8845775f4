package io.streamcrawl.job.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.testing.RedisClusterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClusterClient;

/** The task counters on a Redis Cluster: those of gone subtasks are removed on every master. */
class TaskStatsPublisherClusterITCase {
    @RegisterExtension static final RedisClusterExtension CLUSTER = new RedisClusterExtension();

    @Test
    void subtaskZeroRemovesCountersOfGoneSubtasksOnEveryMaster() {
        List<String> keys = List.of("d:news", "d:shop", "d:wiki");
        assertThat(keys.stream().map(CLUSTER::nodeOf)).containsExactlyInAnyOrder(0, 1, 2);
        try (RedisClusterClient redis = client()) {
            keys.forEach(key -> redis.hset(key, Map.of("queued.0", "1", "queued.2", "3", "released_checkpoint.3", "9")));
            try (TaskStatsPublisher publisher = new TaskStatsPublisher(client(), new TaskCounters(), new HostsBackingOff(),
                    "d:", Set.of(TaskCounters.QUEUED, TaskCounters.RELEASED), 0, 2, Duration.ofMinutes(1))) {
                await().until(() -> keys.stream().allMatch(key -> redis.hgetAll(key).equals(Map.of("queued.0", "1"))));
            }
        }
    }

    private static RedisClusterClient client() {
        return RedisClusterClient.create(Set.of(new HostAndPort(CLUSTER.host(), CLUSTER.port(0))));
    }
}
