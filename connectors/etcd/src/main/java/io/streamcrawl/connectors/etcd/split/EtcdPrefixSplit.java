package io.streamcrawl.connectors.etcd.split;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceSplit;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

/**
 * The one split of an etcd watch source: a key prefix, the position reached in etcd's history,
 * and the keys reported present so far.
 *
 * <p>{@code revision} is the etcd revision through which every change under the prefix has been
 * emitted, or {@link #NO_REVISION} if the prefix has not been read yet. A reader resumes by
 * watching from {@code revision + 1}; with {@code NO_REVISION} it first reads the prefix.
 *
 * <p>{@code knownKeys} maps every key the source has emitted a PUT for, and no DELETE since, to
 * the mod revision of that PUT. When etcd compacted the history a reader must resume from, it
 * reads the prefix again and compares with these: a known key that is gone gets a DELETE, a key
 * at another mod revision a PUT, an unchanged key nothing.
 */
@Internal
public final class EtcdPrefixSplit implements SourceSplit {
    /** The split has not read its prefix yet. etcd revisions start at 1. */
    public static final long NO_REVISION = 0L;

    private final String prefix;
    private final long revision;
    private final SortedMap<String, Long> knownKeys;

    public EtcdPrefixSplit(String prefix, long revision, Map<String, Long> knownKeys) {
        this.prefix = checkNotNull(prefix, "prefix");
        checkArgument(revision >= NO_REVISION, "revision must not be negative, got %s", revision);
        this.revision = revision;
        this.knownKeys = Collections.unmodifiableSortedMap(new TreeMap<>(checkNotNull(knownKeys, "knownKeys")));
    }

    /** A split at {@code revision} that knows of no key (as restored from a version 1 checkpoint). */
    public EtcdPrefixSplit(String prefix, long revision) {
        this(prefix, revision, Map.of());
    }

    /** A split that starts by reading {@code prefix}. */
    public static EtcdPrefixSplit unread(String prefix) {
        return new EtcdPrefixSplit(prefix, NO_REVISION);
    }

    /**
     * This split if it watches {@code configuredPrefix}, otherwise a split that reads
     * {@code configuredPrefix} from scratch: a position in another prefix's history says nothing
     * about this one (a savepoint restored after the prefix was reconfigured).
     */
    public EtcdPrefixSplit forPrefix(String configuredPrefix) {
        return prefix.equals(configuredPrefix) ? this : unread(configuredPrefix);
    }

    @Override
    public String splitId() {
        return prefix;
    }

    public String prefix() {
        return prefix;
    }

    public long revision() {
        return revision;
    }

    public boolean hasRevision() {
        return revision != NO_REVISION;
    }

    /** Key -> mod revision of every key reported present; unmodifiable, in key order. */
    public SortedMap<String, Long> knownKeys() {
        return knownKeys;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EtcdPrefixSplit other
                && prefix.equals(other.prefix)
                && revision == other.revision
                && knownKeys.equals(other.knownKeys);
    }

    @Override
    public int hashCode() {
        return Objects.hash(prefix, revision, knownKeys);
    }

    @Override
    public String toString() {
        return "EtcdPrefixSplit{prefix='" + prefix + "', revision=" + revision + ", knownKeys=" + knownKeys.size() + '}';
    }
}
