package io.streamcrawl.connectors.etcd;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.Configuration;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

/**
 * Builds an {@link EtcdWatchSource}; endpoints and prefix are required, everything else has a
 * default in {@link EtcdWatchSourceOptions}. {@link #build()} validates once and names the bad
 * value.
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

    EtcdWatchSourceBuilder() {}

    /** Comma-separated client endpoints of one etcd cluster, e.g. {@code http://127.0.0.1:2379}. */
    public EtcdWatchSourceBuilder setEndpoints(String endpoints) {
        checkNotNull(endpoints, "endpoints");
        List<String> list = Arrays.stream(endpoints.split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
        config.set(EtcdWatchSourceOptions.ENDPOINTS, list);
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
        return new EtcdWatchSource(new Configuration(config));
    }

    private void sanityCheck() {
        List<String> endpoints = config.getOptional(EtcdWatchSourceOptions.ENDPOINTS).orElse(List.of());
        checkArgument(!endpoints.isEmpty(), "no etcd endpoints: call setEndpoints(\"http://host:port,...\")");
        endpoints.forEach(EtcdWatchSourceBuilder::checkEndpoint);

        String prefix = config.get(EtcdWatchSourceOptions.PREFIX);
        checkArgument(prefix != null, "no key prefix: call setPrefix(\"/some/prefix/\")");
        checkArgument(!prefix.isEmpty(), "the key prefix must not be empty (it would watch the whole keyspace)");

        int pageSize = config.get(EtcdWatchSourceOptions.SNAPSHOT_PAGE_SIZE);
        checkArgument(pageSize > 0, "%s must be positive, got %s", EtcdWatchSourceOptions.SNAPSHOT_PAGE_SIZE.key(), pageSize);
        int capacity = config.get(EtcdWatchSourceOptions.HANDOVER_CAPACITY);
        checkArgument(capacity > 0, "%s must be positive, got %s", EtcdWatchSourceOptions.HANDOVER_CAPACITY.key(), capacity);
        checkPositive(EtcdWatchSourceOptions.CONNECT_TIMEOUT);
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

    private static void checkEndpoint(String endpoint) {
        URI uri;
        try {
            uri = new URI(endpoint);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("etcd endpoint '" + endpoint + "' is not a URI", e);
        }
        checkArgument("http".equals(uri.getScheme()),
                "etcd endpoint '%s' must be http://host:port (TLS is not supported yet)", endpoint);
        checkArgument(uri.getHost() != null && uri.getPort() > 0,
                "etcd endpoint '%s' must name a host and a port, e.g. http://127.0.0.1:2379", endpoint);
    }
}
