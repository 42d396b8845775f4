package io.streamcrawl.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.StreamEntryID;

/** The harness's cluster has three masters that share the slots, and a cluster client reaches all of them. */
class RedisClusterExtensionITCase {
    @RegisterExtension static final RedisClusterExtension CLUSTER = new RedisClusterExtension();

    @Test
    void hashTaggedKeysSpreadOverTheThreeMastersAndEachLivesOnItsNode() {
        Set<HostAndPort> seeds = Set.of(new HostAndPort(CLUSTER.host(), CLUSTER.port(0)));
        Set<Integer> nodes = new HashSet<>();
        try (RedisClusterClient cluster = RedisClusterClient.create(seeds)) {
            assertThat(cluster.getClusterNodes()).hasSize(3);
            for (int shard = 0; shard < 8; shard++) {
                String key = "s:{" + shard + "}";
                cluster.xadd(key, StreamEntryID.NEW_ENTRY, Map.of("shard", String.valueOf(shard)));
                int node = CLUSTER.nodeOf(key);
                nodes.add(node);
                try (RedisClient owner = RedisClient.create(CLUSTER.host(), CLUSTER.port(node))) {
                    assertThat(owner.xlen(key)).as("%s on node %s", key, node).isEqualTo(1);
                }
            }
        }
        assertThat(nodes).containsExactlyInAnyOrder(0, 1, 2);
    }

    @Test
    void aRestartedNodeServesItsSlotsAgainWithItsData() {
        String key = "restart:{a}";
        int node = CLUSTER.nodeOf(key);
        try (RedisClient owner = RedisClient.create(CLUSTER.host(), CLUSTER.port(node))) {
            owner.xadd(key, StreamEntryID.NEW_ENTRY, Map.of("i", "1"));
        }

        CLUSTER.stop(node);
        CLUSTER.start(node);

        try (RedisClusterClient cluster = RedisClusterClient.create(Set.of(new HostAndPort(CLUSTER.host(), CLUSTER.port(0))))) {
            assertThat(cluster.xlen(key)).isEqualTo(1);
            cluster.xadd(key, StreamEntryID.NEW_ENTRY, Map.of("i", "2"));
            assertThat(cluster.xlen(key)).isEqualTo(2);
        }
    }
}
