package io.streamcrawl.connectors.redis.internal;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Optional;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

import org.apache.flink.annotation.Internal;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import redis.clients.jedis.HostAndPort;

/**
 * Asks a Redis TLS port whether it refuses this client's handshake, by making one and listening
 * for the server's alert without sending anything.
 *
 * <p>With TLS 1.3 the server checks the client certificate only after the client has finished its
 * side of the handshake. A client that writes its first command at once (as Jedis does) then often
 * sees a reset or a broken pipe instead of the server's alert: the server closed the connection
 * with that command unread, and the alert is lost. A client that only reads receives the alert.
 */
@Internal
final class TlsRejectionProbe {
    private TlsRejectionProbe() {}

    /**
     * The fatal alert the server answers this client's handshake with, or empty when the server
     * cannot be reached or accepts the handshake (then the probe waits up to the connect timeout
     * for an alert that does not come).
     */
    static Optional<SSLException> rejection(RedisConnectionConfig connection) {
        HostAndPort server = connection.isCluster()
                ? RedisClientFactory.hostAndPort(connection.clusterNodes().get(0))
                : new HostAndPort(connection.host(), connection.port());
        int timeout = (int) Math.max(1, connection.connectTimeout().toMillis());
        SSLContext context = RedisClientFactory.sslContext(connection);
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(server.getHost(), server.getPort()), timeout);
            socket.setSoTimeout(timeout);
            try (SSLSocket tls = (SSLSocket) context.getSocketFactory()
                    .createSocket(socket, server.getHost(), server.getPort(), true)) {
                tls.startHandshake();
                tls.getInputStream().read();
            }
        } catch (SSLException e) {
            if (RedisFailures.isServerAlert(e)) {
                return Optional.of(e);
            }
        } catch (IOException e) {
            // Unreachable, gone while probing, or silent until the timeout: no verdict.
        }
        return Optional.empty();
    }
}
