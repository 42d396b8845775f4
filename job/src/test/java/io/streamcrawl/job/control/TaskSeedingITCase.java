package io.streamcrawl.job.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.etcd.EtcdKv;
import io.streamcrawl.job.etcd.TaskKeys;
import io.streamcrawl.job.etcd.TaskRegistry;
import io.streamcrawl.job.model.FrontierEntrySerializer;
import io.streamcrawl.job.model.FrontierSeeder;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;

import io.etcd.jetcd.Client;

import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.UnifiedJedis;

/** Spec seeds reach the frontier once per task generation, recorded in a real etcd, written to a real Redis. */
class TaskSeedingITCase {
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    private static final String ROOT = "/seeding/";
    private static final FrontierEntrySerializer FRONTIER = new FrontierEntrySerializer("seeding:frontier:", 2);

    private Client etcd;
    private UnifiedJedis redis;
    private TaskRegistry registry;
    private TaskSeeding seeding;

    @BeforeEach
    void connect() {
        etcd = Client.builder().endpoints(ETCD.endpoint()).build();
        redis = RedisConnectionConfig.builder().host(REDIS.host()).port(REDIS.port()).build().createClient("test");
        redis.flushAll();
        registry = new TaskRegistry(new ControlPlane(ETCD.endpoint(), ROOT));
        seeding = new TaskSeeding(new EtcdKv(etcd), new TaskKeys(ROOT), new FrontierSeeder(redis, FRONTIER));
    }

    @AfterEach
    void close() {
        registry.close();
        redis.close();
        etcd.close();
    }

    @Test
    void eachSeedOfAGenerationIsInjectedOnceAcrossReplaysAndRewrites() {
        long first = registry.putSpec("news", spec("https://a.org/", "https://b.org/x"));
        assertThat(registry.seedsPending("news")).isTrue();

        assertThat(seeding.seedOnce("news", List.of("https://a.org/", "https://b.org/x"), first))
                .containsExactly("https://a.org/", "https://b.org/x");
        assertThat(registry.seedsPending("news")).isFalse();
        // A replay of the same event after a failure, and the same spec written again, inject nothing.
        assertThat(seeding.seedOnce("news", List.of("https://a.org/", "https://b.org/x"), first)).isEmpty();
        long rewritten = registry.putSpec("news", spec("https://a.org/", "https://b.org/x"));
        assertThat(seeding.seedOnce("news", List.of("https://a.org/", "https://b.org/x"), rewritten)).isEmpty();

        // A seed added to the spec is injected, once; an event older than the current spec injects nothing.
        long extended = registry.putSpec("news", spec("https://a.org/", "https://b.org/x", "https://c.org/"));
        assertThat(registry.seedsPending("news")).isTrue();
        assertThat(seeding.seedOnce("news", List.of("https://a.org/", "https://b.org/x"), rewritten)).isEmpty();
        assertThat(seeding.seedOnce("news", List.of("https://a.org/", "https://b.org/x", "https://c.org/"), extended))
                .containsExactly("https://c.org/");

        assertThat(frontierUrls()).containsExactlyInAnyOrder("https://a.org/", "https://b.org/x", "https://c.org/");
    }

    @Test
    void aTaskDeletedAndPutAgainIsANewGenerationAndIsSeededAgain() {
        long first = registry.putSpec("docs", spec("https://a.org/"));
        seeding.seedOnce("docs", List.of("https://a.org/"), first);
        registry.delete("docs");
        assertThat(registry.seedsPending("docs")).isFalse();

        long again = registry.putSpec("docs", spec("https://a.org/"));
        assertThat(registry.seedsPending("docs")).isTrue();
        assertThat(seeding.seedOnce("docs", List.of("https://a.org/"), again)).containsExactly("https://a.org/");
        assertThat(frontierUrls()).containsExactly("https://a.org/", "https://a.org/");
    }

    @Test
    void aMarkerThatIsNotOneIsOverwrittenAfterSeeding() {
        long revision = registry.putSpec("odd", spec("https://a.org/"));
        new EtcdKv(etcd).put(ROOT + "tasks/odd/seeded", "yes");

        assertThat(seeding.seedOnce("odd", List.of("https://a.org/"), revision)).containsExactly("https://a.org/");
        assertThat(registry.seedsPending("odd")).isFalse();
    }

    private List<String> frontierUrls() {
        return Stream.of("seeding:frontier:0", "seeding:frontier:1")
                .flatMap(stream -> redis.xrange(stream, "-", "+").stream())
                .map(entry -> entry.getFields().get("url"))
                .toList();
    }

    private static String spec(String... seeds) {
        return "{\"seeds\": [\"" + String.join("\", \"", seeds) + "\"]}";
    }
}
