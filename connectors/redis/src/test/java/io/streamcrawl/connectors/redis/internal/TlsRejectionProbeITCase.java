package io.streamcrawl.connectors.redis.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketException;
import java.time.Duration;

import org.apache.flink.configuration.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisTlsConfig;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.TlsCertificates;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The probe against a redis-server whose TLS port requires client certificates, and how {@link
 * ConnectionRetry#explain} uses it for a first connection that broke.
 */
class TlsRejectionProbeITCase {
    @RegisterExtension static final RedisServerExtension REDIS = RedisServerExtension.withTls();

    private static final JedisConnectionException BROKEN_PIPE =
            new JedisConnectionException(new SocketException("Broken pipe"));

    @Test
    void aHandshakeWithoutTheRequiredClientCertificateGetsTheServersAlertEveryTime() {
        RedisConnectionConfig connection = connection(REDIS.tlsPort(), RedisTlsConfig.builder()
                .caCertificates(REDIS.certificates().caCertificate().toString()));

        for (int i = 0; i < 50; i++) {
            assertThat(TlsRejectionProbe.rejection(connection))
                    .hasValueSatisfying(alert -> assertThat(alert).hasMessageContaining("certificate_required"));
        }
    }

    @Test
    void aHandshakeTheServerAcceptsOrAServerThatIsNotThereGivesNoVerdict() throws IOException {
        TlsCertificates certs = REDIS.certificates();
        RedisTlsConfig.Builder withClientCertificate = RedisTlsConfig.builder()
                .caCertificates(certs.caCertificate().toString())
                .clientCertificate(certs.clientCertificate().toString(), certs.clientKey().toString());

        assertThat(TlsRejectionProbe.rejection(connection(REDIS.tlsPort(), withClientCertificate))).isEmpty();
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        assertThat(TlsRejectionProbe.rejection(connection(closedPort, withClientCertificate))).isEmpty();
    }

    @Test
    void aFirstTlsConnectionThatBrokeIsExplainedByTheAlertButOneThatBreaksAfterASuccessIsRetried() {
        RedisConnectionConfig connection = connection(REDIS.tlsPort(), RedisTlsConfig.builder()
                .caCertificates(REDIS.certificates().caCertificate().toString()));
        ConnectionRetry retry = new ConnectionRetry("sink 0", connection, new Configuration());

        RuntimeException explained = retry.explain(BROKEN_PIPE);

        assertThat(ConnectionRetry.isTransient(explained)).isFalse();
        assertThat(RedisFailures.nonRetryable("sink 0 failed to write", connection, explained))
                .hasMessageContaining("TLS with " + connection.address() + " failed")
                .hasMessageContaining("certificate_required");
        retry.onSuccess();
        assertThat(retry.explain(BROKEN_PIPE)).isSameAs(BROKEN_PIPE);
    }

    private static RedisConnectionConfig connection(int port, RedisTlsConfig.Builder tls) {
        return RedisConnectionConfig.builder().host("localhost").port(port).tls(tls.build())
                .connectTimeout(Duration.ofMillis(500)).build();
    }
}
