package io.streamcrawl.connectors.etcd;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import java.time.Duration;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

/**
 * Builds an {@link EtcdWatchSource}; the connection (or just endpoints) and the prefix are
 * required, everything else has a default in {@link EtcdWatchSourceOptions}. {@link #build()}
 * validates once and names the bad value.
 *
 * <pre>{@code
 * EtcdWatchSource source = EtcdWatchSource.builder()
 *     .setEndpoints("http://127.0.0.1:2379")
 *     .setPrefix("/streamcrawl/tasks/")
 *     .build();
 * }</pre>
 */
@PublicEvolving
public final class EtcdWatchSourceBuilder {
    private final Configuration config = new Configuration();
    private EtcdConnectionConfig connection;

    EtcdWatchSourceBuilder() {}

    /**
     * Plain-text etcd without authentication: comma-separated client endpoints of one cluster, e.g.
     * {@code http://127.0.0.1:2379}. {@link #setConnection} sets TLS and a user as well.
     */
    public EtcdWatchSourceBuilder setEndpoints(String endpoints) {
        return setConnection(EtcdConnectionConfig.builder().endpoints(endpoints).build());
    }

    /** Where and how to connect to etcd: endpoints, TLS, user. */
    public EtcdWatchSourceBuilder setConnection(EtcdConnectionConfig connection) {
        this.connection = checkNotNull(connection, "connection");
        return this;
    }

    /** The key prefix to read and watch; every key starting with these bytes (UTF-8) is in scope. */
    public EtcdWatchSourceBuilder setPrefix(String prefix) {
        config.set(EtcdWatchSourceOptions.PREFIX, checkNotNull(prefix, "prefix"));
        return this;
    }

    /** Sets any option of {@link EtcdWatchSourceOptions}. */
    public <T> EtcdWatchSourceBuilder set(ConfigOption<T> option, T value) {
        config.set(checkNotNull(option, "option"), checkNotNull(value, "value"));
        return this;
    }

    public EtcdWatchSource build() {
        sanityCheck();
        return new EtcdWatchSource(connection, new Configuration(config));
    }

    private void sanityCheck() {
        checkArgument(connection != null, "no etcd endpoints: call setEndpoints(\"http://host:port,...\") or setConnection");

        String prefix = config.get(EtcdWatchSourceOptions.PREFIX);
        checkArgument(prefix != null, "no key prefix: call setPrefix(\"/some/prefix/\")");
        checkArgument(!prefix.isEmpty(), "the key prefix must not be empty (it would watch the whole keyspace)");

        int pageSize = config.get(EtcdWatchSourceOptions.SNAPSHOT_PAGE_SIZE);
        checkArgument(pageSize > 0, "%s must be positive, got %s", EtcdWatchSourceOptions.SNAPSHOT_PAGE_SIZE.key(), pageSize);
        int capacity = config.get(EtcdWatchSourceOptions.HANDOVER_CAPACITY);
        checkArgument(capacity > 0, "%s must be positive, got %s", EtcdWatchSourceOptions.HANDOVER_CAPACITY.key(), capacity);
        checkPositive(EtcdWatchSourceOptions.REQUEST_TIMEOUT);
        checkPositive(EtcdWatchSourceOptions.RETRY_INITIAL_BACKOFF);
        checkPositive(EtcdWatchSourceOptions.RETRY_MAX_BACKOFF);
        checkPositive(EtcdWatchSourceOptions.RETRY_TIMEOUT);
        Duration initial = config.get(EtcdWatchSourceOptions.RETRY_INITIAL_BACKOFF);
        Duration max = config.get(EtcdWatchSourceOptions.RETRY_MAX_BACKOFF);
        checkArgument(max.compareTo(initial) >= 0, "%s (%s) must not be below %s (%s)",
                EtcdWatchSourceOptions.RETRY_MAX_BACKOFF.key(), max,
                EtcdWatchSourceOptions.RETRY_INITIAL_BACKOFF.key(), initial);
    }

    private void checkPositive(ConfigOption<Duration> option) {
        Duration value = config.get(option);
        checkArgument(!value.isNegative() && !value.isZero(), "%s must be positive, got %s", option.key(), value);
    }
}
