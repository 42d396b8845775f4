package io.streamcrawl.connectors.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.streamcrawl.connectors.redis.sink.RedisStreamEntry;
import io.streamcrawl.connectors.redis.sink.RedisStreamSink;
import io.streamcrawl.connectors.redis.source.RedisStreamSource;
import io.streamcrawl.testing.RedisServerExtension;
import redis.clients.jedis.Protocol;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.StreamEntryID;

/** Source and sink as a Redis ACL user with a password; a wrong password fails fast and says so. */
class RedisAuthITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();

    @RegisterExtension static final MiniClusterExtension FLINK = RedisTestJobs.miniCluster();

    private static final Duration TIMEOUT = Duration.ofSeconds(25);
    private static final String USER = "crawler";
    private static final String PASSWORD = "s3cret-Pa55";
    private static final String WRONG_PASSWORD = "not-the-password-42";

    @RegisterExtension final RunningJobs jobs = new RunningJobs();

    @BeforeAll
    static void createUser() {
        try (RedisClient admin = RedisClient.create(REDIS.host(), REDIS.port())) {
            admin.sendCommand(Protocol.Command.ACL, "SETUSER", USER, "reset", "on", ">" + PASSWORD, "~*", "+@all");
        }
    }

    @Test
    void aUserWithItsPasswordReadsAndWrites() throws Exception {
        try (RedisClient redis = RedisClient.create(REDIS.host(), REDIS.port())) {
            for (int i = 0; i < 20; i++) {
                redis.xadd("auth:in", StreamEntryID.NEW_ENTRY, Map.of("i", String.valueOf(i)));
            }
            StreamExecutionEnvironment env = RedisTestJobs.checkpointing(1);
            env.fromSource(source(connection(PASSWORD)), WatermarkStrategy.noWatermarks(), "redis source")
                    .sinkTo(RedisStreamSink.<Map<String, String>>builder()
                            .setConnection(connection(PASSWORD))
                            .setSerializer(fields -> new RedisStreamEntry("auth:out", fields))
                            .build());
            jobs.start(env, "auth");

            await().atMost(TIMEOUT).until(() -> redis.xlen("auth:out") == 20 && redis.xlen("auth:in") == 0);
            assertThat(redis.xinfoConsumers2("auth:in", "g")).extracting(c -> c.getName()).containsExactly("g-auth:in");
        }
    }

    @Test
    void aWrongPasswordFailsTheSourceWithAnErrorNamingTheServerAndAuthentication() {
        StreamExecutionEnvironment env = RedisTestJobs.withoutRestarts();
        env.fromSource(source(connection(WRONG_PASSWORD)), WatermarkStrategy.noWatermarks(), "redis source")
                .map(Map::toString)
                .sinkTo(new CollectingSink("auth-source"));

        assertFailsWithAuthenticationError(env);
    }

    @Test
    void aWrongPasswordFailsTheSinkWithAnErrorNamingTheServerAndAuthentication() {
        StreamExecutionEnvironment env = RedisTestJobs.withoutRestarts();
        RedisTestJobs.endless(env)
                .sinkTo(RedisStreamSink.<Long>builder()
                        .setConnection(connection(WRONG_PASSWORD))
                        .setSerializer(i -> new RedisStreamEntry("auth:never", Map.of("i", String.valueOf(i))))
                        .build());

        assertFailsWithAuthenticationError(env);
    }

    /** An authentication error is not a lost connection: it is not retried until redis.retry.timeout (5 minutes). */
    private static void assertFailsWithAuthenticationError(StreamExecutionEnvironment env) {
        RedisTestJobs.assertFailsAtOnce(env, "authentication", TIMEOUT, message -> assertThat(message)
                .contains(connection(WRONG_PASSWORD).address())
                .contains(USER)
                .doesNotContain(WRONG_PASSWORD));
    }

    private static RedisStreamSource<Map<String, String>> source(RedisConnectionConfig connection) {
        return RedisTestJobs.fieldMapSource(connection, "auth:in").build();
    }

    private static RedisConnectionConfig connection(String password) {
        return RedisConnectionConfig.builder().host(REDIS.host()).port(REDIS.port()).user(USER).password(password).build();
    }
}
