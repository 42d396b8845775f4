package io.streamcrawl.connectors.redis;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import java.io.Serializable;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

import org.apache.flink.annotation.PublicEvolving;

import io.streamcrawl.connectors.redis.internal.RedisClientFactory;
import redis.clients.jedis.RedisClient;

/**
 * Where and how to connect to one standalone Redis server; shared by the source and the sink.
 *
 * <p>Immutable and serializable: it travels inside the job graph. Build it with {@link
 * #builder()}; only the host is required. The password never appears in {@link #toString()}.
 */
@PublicEvolving
public final class RedisConnectionConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public static final int DEFAULT_PORT = 6379;
    public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);
    public static final Duration DEFAULT_SOCKET_TIMEOUT = Duration.ofSeconds(5);

    private final String host;
    private final int port;
    private final String user;
    private final String password;
    private final boolean ssl;
    private final int database;
    private final Duration connectTimeout;
    private final Duration socketTimeout;

    private RedisConnectionConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.user = b.user;
        this.password = b.password;
        this.ssl = b.ssl;
        this.database = b.database;
        this.connectTimeout = b.connectTimeout;
        this.socketTimeout = b.socketTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    public Optional<String> password() {
        return Optional.ofNullable(password);
    }

    public boolean ssl() {
        return ssl;
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
     * Opens a client (a small connection pool) to this server, for code beside the source and
     * sink that talks to the same Redis. The caller closes it.
     */
    public RedisClient createClient(String clientName) {
        return RedisClientFactory.create(this, Duration.ZERO, clientName);
    }

    /** {@code redis://host:port} or {@code rediss://...}: for log lines and error messages. */
    public String address() {
        return (ssl ? "rediss://" : "redis://") + host + ":" + port + (database == 0 ? "" : "/" + database);
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
                && host.equals(that.host)
                && Objects.equals(user, that.user)
                && Objects.equals(password, that.password)
                && connectTimeout.equals(that.connectTimeout)
                && socketTimeout.equals(that.socketTimeout);
    }

    @Override
    public int hashCode() {
        return Objects.hash(host, port, user, password, ssl, database, connectTimeout, socketTimeout);
    }

    @Override
    public String toString() {
        return "RedisConnectionConfig{" + address()
                + (user == null ? "" : ", user=" + user)
                + (password == null ? "" : ", password=***")
                + ", connectTimeout=" + connectTimeout
                + ", socketTimeout=" + socketTimeout + '}';
    }

    /** Builder for {@link RedisConnectionConfig}; validates once in {@link #build()}. */
    @PublicEvolving
    public static final class Builder {
        private String host;
        private int port = DEFAULT_PORT;
        private String user;
        private String password;
        private boolean ssl;
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

        /** ACL user name (Redis 6+); leave unset for the default user. */
        public Builder user(String user) {
            this.user = user;
            return this;
        }

        public Builder password(String password) {
            this.password = password;
            return this;
        }

        public Builder ssl(boolean ssl) {
            this.ssl = ssl;
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
            checkNotNull(host, "host");
            checkArgument(!host.isBlank(), "host must not be blank");
            checkArgument(port > 0 && port < 65536, "port must be in 1..65535, was %s", port);
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
