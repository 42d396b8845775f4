package io.streamcrawl.connectors.redis.internal;

import static org.apache.flink.util.Preconditions.checkArgument;

import java.io.File;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.ExecutorService;

import javax.net.ssl.SSLContext;

import org.apache.flink.annotation.Internal;
import org.apache.flink.util.concurrent.Executors;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisTlsConfig;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.SslOptions;
import redis.clients.jedis.SslVerifyMode;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * Turns a {@link RedisConnectionConfig} into a Jedis client: a {@link RedisClient} (a small
 * connection pool) for a standalone server, a {@link RedisClusterClient} (a pool per node, slots
 * discovered from the seed nodes) for a cluster.
 */
@Internal
public final class RedisClientFactory {
    /**
     * Runs a cluster pipeline's per-node work on the calling thread: Jedis would otherwise start and
     * stop a thread pool on every sync of a pipeline that spans nodes.
     */
    private static final ExecutorService CALLING_THREAD = Executors.newDirectExecutorServiceWithNoOpShutdown();

    private RedisClientFactory() {}

    /**
     * Creates a client. {@code longestBlock} is the longest BLOCK the caller will ask for: blocking
     * commands get that much on top of the socket timeout, so a dead server is still noticed. A
     * cluster client connects to a seed node at once to learn the slots, so it throws a {@link
     * redis.clients.jedis.exceptions.JedisException} when none is reachable.
     */
    public static UnifiedJedis create(RedisConnectionConfig config, Duration longestBlock, String clientName) {
        JedisClientConfig client = clientConfig(config, longestBlock, clientName);
        if (client.getSslOptions() != null) {
            sslContext(config, client.getSslOptions());
        }
        if (config.isCluster()) {
            Set<HostAndPort> seeds = new LinkedHashSet<>();
            config.clusterNodes().forEach(node -> seeds.add(hostAndPort(node)));
            return RedisClusterClient.builder().nodes(seeds).clientConfig(client).build();
        }
        return RedisClient.builder().hostAndPort(config.host(), config.port()).clientConfig(client).build();
    }

    /**
     * A pipeline on the client. On a cluster the commands are grouped by the node of their key, and
     * the groups are sent one after the other from the calling thread.
     */
    public static AbstractPipeline pipelined(UnifiedJedis redis) {
        return redis instanceof RedisClusterClient
                ? ((RedisClusterClient) redis).pipelined(CALLING_THREAD)
                : redis.pipelined();
    }

    /**
     * The reply of a command in a synced pipeline. A cluster pipeline does not throw when the
     * connection to one node breaks during its sync: Jedis logs it and leaves that node's replies
     * unset, so asking for one is a lost connection, retried like any other.
     *
     * @throws JedisConnectionException when the command's node gave no reply
     */
    public static <T> T reply(Response<T> response) {
        try {
            return response.get();
        } catch (IllegalStateException e) {
            throw new JedisConnectionException("no reply: the connection to the command's node broke in a pipeline", e);
        }
    }

    /** Parses {@code host:port}, split at the last colon so that {@code [::1]:7000} works too. */
    public static HostAndPort hostAndPort(String node) {
        int colon = node == null ? -1 : node.lastIndexOf(':');
        checkArgument(colon > 0 && colon < node.length() - 1, "cluster node must be host:port, was %s", node);
        String host = node.substring(0, colon);
        int port;
        try {
            port = Integer.parseInt(node.substring(colon + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("cluster node must be host:port, was " + node, e);
        }
        checkArgument(port > 0 && port < 65536, "cluster node port must be in 1..65535, was %s", node);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new HostAndPort(host, port);
    }

    private static JedisClientConfig clientConfig(RedisConnectionConfig config, Duration longestBlock, String clientName) {
        DefaultJedisClientConfig.Builder client =
                DefaultJedisClientConfig.builder()
                        .connectionTimeoutMillis(toMillis(config.connectTimeout()))
                        .socketTimeoutMillis(toMillis(config.socketTimeout()))
                        .blockingSocketTimeoutMillis(toMillis(config.socketTimeout().plus(longestBlock)))
                        .database(config.database())
                        .ssl(config.ssl())
                        .clientName(clientName);
        config.user().ifPresent(client::user);
        config.password().ifPresent(client::password);
        if (config.ssl()) {
            client.sslOptions(sslOptions(config));
        }
        return client.build();
    }

    private static SslOptions sslOptions(RedisConnectionConfig config) {
        RedisTlsConfig tls = config.tls().orElseGet(() -> RedisTlsConfig.builder().build());
        SslOptions.Builder ssl = SslOptions.builder()
                .sslVerifyMode(tls.verifyHostname() ? SslVerifyMode.FULL : SslVerifyMode.CA)
                .trustStoreType(tls.trustStoreType())
                .keyStoreType(tls.keyStoreType());
        tls.trustStore().ifPresent(path -> ssl.truststore(new File(path), tls.trustStorePassword().map(String::toCharArray).orElse(null)));
        tls.caCertificates().ifPresent(pem ->
                ssl.truststore(() -> PemKeyStores.trustStore(pem), PemKeyStores.PASSWORD).trustStoreType("PKCS12"));
        tls.keyStore().ifPresent(path ->
                ssl.keystore(new File(path), tls.keyStorePassword().map(String::toCharArray).orElse(null)));
        tls.clientCertificate().ifPresent(certificate -> ssl.keystore(
                        () -> PemKeyStores.keyStore(certificate, tls.clientKey().orElseThrow()), PemKeyStores.PASSWORD)
                .keyStoreType("PKCS12"));
        return ssl.build();
    }

    /** The TLS context the clients of a connection with {@link RedisConnectionConfig#ssl()} use. */
    static SSLContext sslContext(RedisConnectionConfig config) {
        return sslContext(config, sslOptions(config));
    }

    /**
     * Loads the TLS files, once before any connection too: a missing or unreadable file is a
     * configuration error that fails at once, where Jedis would report it as a lost connection on
     * every attempt.
     */
    private static SSLContext sslContext(RedisConnectionConfig config, SslOptions ssl) {
        try {
            return ssl.createSslContext();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "TLS setup for " + config.address() + " failed (" + e.getMessage() + "): " + config.tls().orElse(null), e);
        }
    }

    private static int toMillis(Duration d) {
        return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
    }
}
