package io.streamcrawl.connectors.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.security.cert.CertificateException;
import java.time.Duration;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisRetryOptions;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisBroadcastException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

class ConnectionRetryTest {
    private static final JedisConnectionException LOST = new JedisConnectionException("connection reset");
    private static final RedisConnectionConfig PLAIN = RedisConnectionConfig.builder().host("h").port(7000).build();

    @Test
    void backOffDoublesUpToTheMaximum() throws IOException {
        Configuration config = new Configuration();
        config.set(RedisRetryOptions.INITIAL_BACKOFF, Duration.ofMillis(1));
        config.set(RedisRetryOptions.MAX_BACKOFF, Duration.ofMillis(4));
        ConnectionRetry retry = new ConnectionRetry("test", PLAIN, config);

        retry.onFailure(LOST);
        assertThat(retry.backoff()).isEqualTo(Duration.ofMillis(1));
        retry.onFailure(LOST);
        assertThat(retry.backoff()).isEqualTo(Duration.ofMillis(2));
        retry.onFailure(LOST);
        retry.onFailure(LOST);
        retry.onFailure(LOST);
        assertThat(retry.backoff()).isEqualTo(Duration.ofMillis(4));

        retry.onSuccess();
        retry.onFailure(LOST);
        assertThat(retry.backoff()).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void failsOnceRedisStayedUnreachablePastTheTimeout() throws IOException {
        Configuration config = new Configuration();
        config.set(RedisRetryOptions.INITIAL_BACKOFF, Duration.ofMillis(1));
        config.set(RedisRetryOptions.MAX_BACKOFF, Duration.ofMillis(1));
        config.set(RedisRetryOptions.TIMEOUT, Duration.ZERO);
        ConnectionRetry retry = new ConnectionRetry("source 0", PLAIN, config);

        retry.onFailure(LOST);

        assertThatThrownBy(() -> retry.onFailure(LOST))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("source 0")
                .hasMessageContaining("redis.retry.timeout")
                .hasCause(LOST);
    }

    @Test
    void aWakeUpCutsTheBackOffShort() throws IOException {
        Configuration config = new Configuration();
        config.set(RedisRetryOptions.INITIAL_BACKOFF, Duration.ofHours(1));
        config.set(RedisRetryOptions.MAX_BACKOFF, Duration.ofHours(1));
        ConnectionRetry retry = new ConnectionRetry("test", PLAIN, config);

        retry.wakeUp();
        long start = System.nanoTime();
        retry.onFailure(LOST);

        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }

    @Test
    void transientErrorsAreLostConnectionsAndServersStartingUp() {
        assertThat(ConnectionRetry.isTransient(LOST)).isTrue();
        assertThat(ConnectionRetry.isTransient(new JedisDataException("LOADING Redis is loading the dataset"))).isTrue();
        assertThat(ConnectionRetry.isTransient(new JedisDataException("WRONGTYPE Operation against a key"))).isFalse();
        assertThat(ConnectionRetry.isTransient(new IllegalStateException())).isFalse();
    }

    @Test
    void aCommandBroadcastToEveryNodeIsTransientWhenEachNodeFailedTransiently() {
        JedisBroadcastException oneNodeDown = new JedisBroadcastException();
        oneNodeDown.addReply(new HostAndPort("127.0.0.1", 7000), "sha");
        oneNodeDown.addReply(new HostAndPort("127.0.0.1", 7001), LOST);
        JedisBroadcastException oneNodeRefuses = new JedisBroadcastException();
        oneNodeRefuses.addReply(new HostAndPort("127.0.0.1", 7000), LOST);
        oneNodeRefuses.addReply(new HostAndPort("127.0.0.1", 7001), new JedisDataException("NOPERM no script"));

        assertThat(ConnectionRetry.isTransient(oneNodeDown)).isTrue();
        assertThat(ConnectionRetry.isTransient(oneNodeRefuses)).isFalse();
    }

    @Test
    void refusedCredentialsAndMissingPermissionsAreNotRetriedEvenAsConnectionFailures() {
        JedisAccessControlException wrongPass =
                new JedisAccessControlException("WRONGPASS invalid username-password pair or user is disabled.");
        JedisDataException noPerm = new JedisDataException("NOPERM this user has no permissions to run the 'xadd' command");

        assertThat(ConnectionRetry.isTransient(wrongPass)).isFalse();
        assertThat(ConnectionRetry.isTransient(new JedisConnectionException("failed to connect", wrongPass))).isFalse();
        assertThat(ConnectionRetry.isTransient(new JedisDataException("NOAUTH Authentication required."))).isFalse();
        assertThat(ConnectionRetry.isTransient(noPerm)).isFalse();

        RedisConnectionConfig conn = RedisConnectionConfig.builder().host("h").port(7000).user("u").password("pw-123").build();
        assertThat(RedisFailures.nonRetryable("sink 0 failed to write", conn, wrongPass))
                .hasMessageContaining("authentication failed at redis://h:7000 as user u")
                .hasMessageNotContaining("pw-123")
                .hasCause(wrongPass);
        assertThat(RedisFailures.nonRetryable("sink 0 failed to write", conn, noPerm))
                .hasMessageContaining("user u lacks a permission at redis://h:7000");
    }

    @Test
    void failedTlsHandshakesAreNotRetriedButALostTlsConnectionIs() {
        JedisConnectionException untrusted = new JedisConnectionException(new SSLHandshakeException("PKIX path building failed"));
        untrusted.getCause().initCause(new CertificateException("unable to find valid certification path"));
        JedisConnectionException refused = new JedisConnectionException(
                new SSLHandshakeException("Received fatal alert: certificate_required"));
        JedisConnectionException plainPort = new JedisConnectionException(
                new SSLException("Unsupported or unrecognized SSL message"));
        JedisConnectionException unknownCa = new JedisConnectionException(
                new SSLHandshakeException("Received fatal alert: unknown_ca"));
        JedisConnectionException reset = new JedisConnectionException(new SSLException("Connection reset"));

        assertThat(ConnectionRetry.isTransient(untrusted)).isFalse();
        assertThat(ConnectionRetry.isTransient(refused)).isFalse();
        assertThat(ConnectionRetry.isTransient(plainPort)).isFalse();
        assertThat(ConnectionRetry.isTransient(unknownCa)).isFalse();
        assertThat(ConnectionRetry.isTransient(reset)).isTrue();
        RedisConnectionConfig conn = RedisConnectionConfig.builder().host("h").port(7000).ssl(true).build();
        assertThat(RedisFailures.nonRetryable("sink 0 failed to write", conn, untrusted))
                .hasMessageContaining("TLS with rediss://h:7000 failed")
                .hasMessageContaining("unable to find valid certification path");
    }
}
