package io.streamcrawl.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/** The fault proxy in front of a real redis-server and etcd: lost replies, resets, partitions. */
class FaultProxyITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static Jedis through(FaultProxy proxy) {
        return new Jedis(new HostAndPort(proxy.host(), proxy.port()),
                DefaultJedisClientConfig.builder().socketTimeoutMillis(1_000).build());
    }

    private static Jedis direct() {
        return new Jedis(REDIS.host(), REDIS.port());
    }

    @Test
    void aDroppedReplyWasRunByTheServerButNeverReachesTheClient() {
        try (FaultProxy proxy = FaultProxy.to(REDIS.host(), REDIS.port()); Jedis redis = through(proxy);
                Jedis check = direct()) {
            redis.set("counter", "0");
            proxy.dropReplyTo("INCR");

            assertThatThrownBy(() -> redis.incr("counter")).isInstanceOf(JedisConnectionException.class);

            assertThat(check.get("counter")).isEqualTo("1");
            assertThat(proxy.droppedReplies()).isEqualTo(1);
            assertThat(proxy.dropArmed()).isFalse();
            try (Jedis again = through(proxy)) {
                assertThat(again.incr("counter")).isEqualTo(2); // armed once only
            }
        }
    }

    @Test
    void heldRepliesLetTheServerActAndAResetLosesThem() {
        try (FaultProxy proxy = FaultProxy.to(REDIS.host(), REDIS.port()); Jedis check = direct()) {
            Jedis redis = new Jedis(new HostAndPort(proxy.host(), proxy.port()),
                    DefaultJedisClientConfig.builder().socketTimeoutMillis(30_000).build());
            assertThat(redis.ping()).isEqualTo("PONG");
            proxy.holdRepliesAfter("SET");
            CompletableFuture<String> set = CompletableFuture.supplyAsync(() -> redis.set("held", "1"));

            await().atMost(Duration.ofSeconds(10)).until(() -> "1".equals(check.get("held")));
            assertThat(proxy.holdingConnections()).isEqualTo(1);
            assertThat(set).isNotDone();
            proxy.resetConnections();

            assertThat(set).failsWithin(Duration.ofSeconds(10)).withThrowableOfType(ExecutionException.class)
                    .withCauseInstanceOf(JedisConnectionException.class);
            assertThat(proxy.holdingConnections()).isZero();
        }
    }

    @Test
    void resetConnectionsBreaksOpenConnectionsOnly() {
        try (FaultProxy proxy = FaultProxy.to(REDIS.host(), REDIS.port())) {
            Jedis redis = through(proxy); // not closed: closing a reset connection fails too
            assertThat(redis.ping()).isEqualTo("PONG");

            proxy.resetConnections();

            assertThatThrownBy(redis::ping).isInstanceOf(JedisConnectionException.class);
            try (Jedis fresh = through(proxy)) {
                assertThat(fresh.ping()).isEqualTo("PONG");
            }
            assertThat(proxy.connections()).isEqualTo(2);
        }
    }

    @Test
    void aPartitionHoldsTrafficUntilHealed() {
        try (FaultProxy proxy = FaultProxy.to(REDIS.host(), REDIS.port()); Jedis redis = through(proxy);
                Jedis check = direct()) {
            assertThat(redis.ping()).isEqualTo("PONG");
            proxy.partition();

            assertThatThrownBy(() -> redis.set("during", "partition")).isInstanceOf(JedisConnectionException.class);
            assertThat(check.exists("during")).isFalse(); // the command never reached the server

            proxy.heal();
            try (Jedis after = through(proxy)) {
                assertThat(after.ping()).isEqualTo("PONG");
            }
        }
    }

    @Test
    void latencyDelaysEachRoundTrip() {
        try (FaultProxy proxy = FaultProxy.to(REDIS.host(), REDIS.port()); Jedis redis = through(proxy)) {
            redis.ping();
            proxy.latency(Duration.ofMillis(200));
            long start = System.nanoTime();
            redis.ping();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(400));
        }
    }

    @Test
    void partitionsEtcdUntilHealed() throws Exception {
        try (FaultProxy proxy = FaultProxy.to("127.0.0.1", ETCD.port());
                Client etcd = Client.builder().endpoints("http://" + proxy.address()).build()) {
            ByteSequence key = ByteSequence.from("/proxied", StandardCharsets.UTF_8);
            etcd.getKVClient().put(key, key).get(5, TimeUnit.SECONDS);
            proxy.partition();

            assertThatThrownBy(() -> etcd.getKVClient().get(key).get(1, TimeUnit.SECONDS))
                    .isInstanceOf(TimeoutException.class);

            proxy.heal();
            assertThat(etcd.getKVClient().get(key).get(10, TimeUnit.SECONDS).getCount()).isEqualTo(1);
        }
    }
}
