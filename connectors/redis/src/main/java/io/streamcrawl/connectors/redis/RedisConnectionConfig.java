package io.streamcrawl.connectors.redis;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.apache.flink.annotation.PublicEvolving;

import io.streamcrawl.connectors.redis.internal.RedisClientFactory;
import redis.clients.jedis.UnifiedJedis;

/**
 * Where and how to connect to Redis, a standalone server or a Redis Cluster; shared by the source
 * and the sink.
 *
 * <p>Standalone: set the host (and port). Cluster: set {@link Builder#clusterNodes} instead, one
 * or more {@code host:port} seed nodes from which the client discovers the cluster's topology.
 * In a cluster the connector sends only single-key commands, so any key names work; a hash tag
 * per shard (e.g. {@code streamcrawl:frontier:{0}}) pins everything named for one shard to one
 * slot, and therefore to one node.
 *
 * <p>Immutable and serializable: it travels inside the job graph. Build it with {@link
 * #builder()}. The password never appears in {@link #toString()}.
 */
@PublicEvolving
public final class RedisConnectionConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_PORT = 6379;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(5);

    private final String host;
    private final int port;
    private final List<String> clusterNodes;
    private final String user;
    private final String password;
    private final boolean ssl;
    private final RedisTlsConfig tls;
    private final int database;
    private final Duration connectTimeout;
    private final Duration socketTimeout;

    private RedisConnectionConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.clusterNodes = b.clusterNodes;
        this.user = b.user;
        this.password = b.password;
        this.ssl = b.ssl || b.tls != null;
        this.tls = b.tls;
        this.database = b.database;
        this.connectTimeout = b.connectTimeout;
        this.socketTimeout = b.socketTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The standalone server's host; null for a cluster. */
    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    /** Whether this is a Redis Cluster, reached through {@link #clusterNodes()}. */
    public boolean isCluster() {
        return !clusterNodes.isEmpty();
    }

    /** The cluster's seed nodes as {@code host:port}; empty for a standalone server. */
    public List<String> clusterNodes() {
        return clusterNodes;
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    /** Whether connections use TLS. */
    public boolean ssl() {
        return ssl;
    }

    /** How TLS authenticates; empty with {@link #ssl()} means the JVM's trust store, host names verified. */
    public Optional<RedisTlsConfig> tls() {
        return Optional.ofNullable(tls);
    }

    public int database() {
        return database;
    }

    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** Read timeout of ordinary commands; blocking reads add their BLOCK time to it. */
    public Duration socketTimeout() {
        return socketTimeout;
    }

    /**
     * Opens a client (a small connection pool; for a cluster, one per node) to this Redis, for code
     * beside the source and sink that talks to the same Redis. The caller closes it.
     */
    public UnifiedJedis createClient(String clientName) {
        return RedisClientFactory.create(this, Duration.ZERO, clientName);
    }

    /**
     * {@code redis://host:port}, {@code rediss://...} with TLS, {@code redis://host:port,host:port
     * (cluster)} for a cluster: for log lines and error messages.
     */
    public String address() {
        String scheme = ssl ? "rediss://" : "redis://";
        if (isCluster()) {
            return scheme + String.join(",", clusterNodes) + " (cluster)";
        }
        return scheme + host + ":" + port + (database == 0 ? "" : "/" + database);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof RedisConnectionConfig)) {
            return false;
        }
        RedisConnectionConfig that = (RedisConnectionConfig) o;
        return port == that.port
                && ssl == that.ssl
                && database == that.database
                && Objects.equals(host, that.host)
                && clusterNodes.equals(that.clusterNodes)
                && Objects.equals(user, that.user)
                && Objects.equals(password, that.password)
                && Objects.equals(tls, that.tls)
                && connectTimeout.equals(that.connectTimeout)
                && socketTimeout.equals(that.socketTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, clusterNodes, user, password, ssl, tls, database, connectTimeout, socketTimeout);
    }

    @Override
    public String toString() {
        return "RedisConnectionConfig{" + address()
                + (user == null ? "" : ", user=" + user)
                + (password == null ? "" : ", password=***")
                + (tls == null ? "" : ", " + tls)
                + ", connectTimeout=" + connectTimeout
                + ", socketTimeout=" + socketTimeout + '}';
    }

    /** Builder for {@link RedisConnectionConfig}; validates once in {@link #build()}. */
    @PublicEvolving
    public static final class Builder {
        private String host;
        private int port = DEFAULT_PORT;
        private List<String> clusterNodes = List.of();
        private String user;
        private String password;
        private boolean ssl;
        private RedisTlsConfig tls;
        private int database;
        private Duration connectTimeout = DEFAULT_CONNECT_TIMEOUT;
        private Duration socketTimeout = DEFAULT_SOCKET_TIMEOUT;

        private Builder() {}

        public Builder host(String host) {
            this.host = host;
            return this;
        }

        public Builder port(int port) {
            this.port = port;
            return this;
        }

        /**
         * Connects to a Redis Cluster instead of a standalone server: the seed nodes as {@code
         * host:port} (one is enough; more keep the start working while one is down). Excludes
         * {@link #host} and {@link #port}.
         */
        public Builder clusterNodes(List<String> clusterNodes) {
            this.clusterNodes = clusterNodes == null ? null : List.copyOf(clusterNodes);
            return this;
        }

        /** ACL user name (Redis 6+); leave unset for the default user. */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        /**
         * TLS with the JVM's trust store, verifying that the server's certificate names the host;
         * {@link #tls} configures more.
         */
        public Builder ssl(boolean ssl) {
            this.ssl = ssl;
            return this;
        }

        /** TLS with the given trust, client certificate and host name check; implies {@link #ssl}. */
        public Builder tls(RedisTlsConfig tls) {
            this.tls = tls;
            return this;
        }

        public Builder database(int database) {
            this.database = database;
            return this;
        }

        public Builder connectTimeout(Duration connectTimeout) {
            this.connectTimeout = connectTimeout;
            return this;
        }

        public Builder socketTimeout(Duration socketTimeout) {
            this.socketTimeout = socketTimeout;
            return this;
        }

        public RedisConnectionConfig build() {
            checkNotNull(clusterNodes, "clusterNodes");
            if (clusterNodes.isEmpty()) {
                checkNotNull(host, "host (or clusterNodes)");
                checkArgument(!host.isBlank(), "host must not be blank");
                checkArgument(port > 0 && port < 65536, "port must be in 1..65535, was %s", port);
            } else {
                checkArgument(host == null, "set either host %s or clusterNodes %s, not both", host, clusterNodes);
                clusterNodes.forEach(RedisClientFactory::hostAndPort);
                checkArgument(database == 0, "a Redis Cluster has only database 0, was %s", database);
            }
            checkArgument(database >= 0, "database must be >= 0, was %s", database);
            checkArgument(user == null || password != null, "user %s is set without a password", user);
            checkArgument(isPositiveMillis(connectTimeout), "connectTimeout must be >= 1 ms, was %s", connectTimeout);
            checkArgument(isPositiveMillis(socketTimeout), "socketTimeout must be >= 1 ms, was %s", socketTimeout);
            return new RedisConnectionConfig(this);
        }

        private static boolean isPositiveMillis(Duration d) {
            return d != null && d.toMillis() >= 1 && d.toMillis() <= Integer.MAX_VALUE;
        }
    }
}
