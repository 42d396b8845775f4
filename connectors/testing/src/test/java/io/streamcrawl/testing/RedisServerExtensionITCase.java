package io.streamcrawl.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.params.XReadGroupParams;
import redis.clients.jedis.resps.StreamEntry;

/** The harness's redis-server answers a stream round trip and keeps its data across a restart. */
class RedisServerExtensionITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    @Test
    void streamRoundTripWithConsumerGroup() {
        try (RedisClient redis = RedisClient.create(REDIS.host(), REDIS.port())) {
            redis.xgroupCreate("s", "g", new StreamEntryID(0, 0), true);
            StreamEntryID id = redis.xadd("s", StreamEntryID.NEW_ENTRY, Map.of("url", "http://a/"));

            List<Map.Entry<String, List<StreamEntry>>> read = redis.xreadGroup(
                    "g", "c", XReadGroupParams.xReadGroupParams().count(10), Map.of("s", StreamEntryID.XREADGROUP_UNDELIVERED_ENTRY));

            assertThat(read).hasSize(1);
            assertThat(read.get(0).getValue()).extracting(StreamEntry::getID).containsExactly(id);
            assertThat(read.get(0).getValue().get(0).getFields()).containsEntry("url", "http://a/");
            assertThat(redis.xpending("s", "g").getTotal()).isEqualTo(1);
            assertThat(redis.xack("s", "g", id)).isEqualTo(1);
            assertThat(redis.xpending("s", "g").getTotal()).isZero();
        }
    }

    @Test
    void appendOnlyFileSurvivesACrash() {
        try (RedisClient redis = RedisClient.create(REDIS.host(), REDIS.port())) {
            redis.set("kept", "yes");
        }
        REDIS.crashAndRestart();
        try (RedisClient redis = RedisClient.create(REDIS.host(), REDIS.port())) {
            assertThat(redis.get("kept")).isEqualTo("yes");
        }
    }
}
