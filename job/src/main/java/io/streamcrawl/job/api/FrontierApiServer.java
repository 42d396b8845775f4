package io.streamcrawl.job.api;

import io.streamcrawl.job.config.RedisConnections;
import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.etcd.TaskRegistry;

import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerCredentials;
import io.grpc.ServerInterceptors;
import io.grpc.TlsServerCredentials;
import io.grpc.netty.NettyServerBuilder;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.UnifiedJedis;

/**
 * The URLFrontier API served over the Redis and etcd of a crawl's configuration: mutual TLS (or
 * plain text on loopback, by option) and the {@link AccessInterceptor} in front of the {@link FrontierService}.
 */
public final class FrontierApiServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FrontierApiServer.class);

    private final UnifiedJedis redis;
    private final TaskRegistry registry;
    private final Server server;

    private FrontierApiServer(UnifiedJedis redis, TaskRegistry registry, Server server) {
        this.redis = redis;
        this.registry = registry;
        this.server = server;
    }

    /** Checks the {@code frontier-api.*} options, connects to Redis and etcd and starts listening. */
    public static FrontierApiServer start(Configuration config) {
        FrontierApiSettings settings = FrontierApiSettings.of(config);
        ServerCredentials credentials = credentials(settings);
        UnifiedJedis redis = RedisConnections.of(config).createClient("streamcrawl-frontier-api");
        TaskRegistry registry = new TaskRegistry(ControlPlane.of(config));
        FrontierService service = new FrontierService(config, redis, registry, System::currentTimeMillis);
        Server server = NettyServerBuilder.forAddress(new InetSocketAddress(settings.host(), settings.port()), credentials)
                .addService(ServerInterceptors.intercept(service, new AccessInterceptor(settings.token(), settings.allowedSubjects())))
                .build();
        try {
            server.start();
        } catch (IOException e) {
            registry.close();
            redis.close();
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port(), e);
        }
        LOG.info("URLFrontier API listening on {}:{} ({})", settings.host(), server.getPort(),
                settings.plaintext() ? "plain text" : "mutual TLS");
        return new FrontierApiServer(redis, registry, server);
    }

    private static ServerCredentials credentials(FrontierApiSettings settings) {
        if (settings.plaintext()) {
            return InsecureServerCredentials.create();
        }
        try {
            return TlsServerCredentials.newBuilder()
                    .keyManager(new File(settings.certFile()), new File(settings.keyFile()))
                    .trustManager(new File(settings.caFile()))
                    .clientAuth(TlsServerCredentials.ClientAuth.REQUIRE)
                    .build();
        } catch (IOException | IllegalArgumentException e) {
            throw new IllegalArgumentException("cannot read the URLFrontier API's TLS files (" + settings.certFile() + ", "
                    + settings.keyFile() + ", " + settings.caFile() + "): " + e.getMessage(), e);
        }
    }

    /** The port listened on (the one picked when frontier-api.port is 0). */
    public int port() {
        return server.getPort();
    }

    /** Blocks until the server stops. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    @Override
    public void close() {
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) {
                server.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            server.shutdownNow();
        } finally {
            registry.close();
            redis.close();
        }
    }
}
