package io.streamcrawl.connectors.etcd;

import io.streamcrawl.connectors.etcd.enumerator.EtcdSourceEnumState;
import io.streamcrawl.connectors.etcd.enumerator.EtcdSourceEnumStateSerializer;
import io.streamcrawl.connectors.etcd.enumerator.EtcdSourceEnumerator;
import io.streamcrawl.connectors.etcd.metrics.EtcdSourceReaderMetrics;
import io.streamcrawl.connectors.etcd.reader.EtcdPrefixSplitReader;
import io.streamcrawl.connectors.etcd.reader.EtcdSourceReader;
import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplit;
import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplitSerializer;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.core.io.SimpleVersionedSerializer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An unbounded source of the changes under one etcd key prefix, as {@link EtcdKeyEvent}s.
 *
 * <p>On its first start it reads the prefix consistently at one revision R, emitting one PUT per
 * key (with the key's mod revision), then watches the prefix from R + 1, emitting every PUT and
 * DELETE in revision order. The checkpointed state is the revision through which everything has
 * been emitted; a restored job watches from the revision after it, so no change is lost or
 * repeated across a restore (changes after the last checkpoint are replayed, as for any source).
 *
 * <p>If etcd compacted that history (or the cluster went back to an older revision), the source
 * reads the prefix again and watches from there. The state also holds the keys emitted as present
 * (key and mod revision), so that read emits only the difference: a PUT for each new or changed
 * key, a DELETE (at the read's revision) for each key gone meanwhile. Intermediate values and
 * keys created and deleted within the lost history are not seen; consumers apply events as state
 * (a PUT sets the key's value, a DELETE removes it).
 *
 * <p>The source has a single split, read by one subtask; other subtasks finish at once.
 */
@PublicEvolving
public final class EtcdWatchSource
        implements Source<EtcdKeyEvent, EtcdPrefixSplit, EtcdSourceEnumState>, ResultTypeQueryable<EtcdKeyEvent> {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(EtcdWatchSource.class);

    private final EtcdConnectionConfig connection;
    private final Configuration config;

    EtcdWatchSource(EtcdConnectionConfig connection, Configuration config) {
        this.connection = connection;
        this.config = config;
    }

    public static EtcdWatchSourceBuilder builder() {
        return new EtcdWatchSourceBuilder();
    }

    /** The watched key prefix. */
    public String prefix() {
        return config.get(EtcdWatchSourceOptions.PREFIX);
    }

    @Override
    public Boundedness getBoundedness() {
        return Boundedness.CONTINUOUS_UNBOUNDED;
    }

    @Override
    public SourceReader<EtcdKeyEvent, EtcdPrefixSplit> createReader(SourceReaderContext readerContext) {
        EtcdSourceReaderMetrics metrics = new EtcdSourceReaderMetrics(readerContext.metricGroup());
        return new EtcdSourceReader(() -> new EtcdPrefixSplitReader(connection, config, metrics), config, readerContext);
    }

    @Override
    public SplitEnumerator<EtcdPrefixSplit, EtcdSourceEnumState> createEnumerator(
            SplitEnumeratorContext<EtcdPrefixSplit> enumContext) {
        return new EtcdSourceEnumerator(enumContext, EtcdPrefixSplit.unread(prefix()));
    }

    @Override
    public SplitEnumerator<EtcdPrefixSplit, EtcdSourceEnumState> restoreEnumerator(
            SplitEnumeratorContext<EtcdPrefixSplit> enumContext, EtcdSourceEnumState checkpoint) {
        EtcdPrefixSplit split = checkpoint.unassignedSplit();
        if (split != null && !split.prefix().equals(prefix())) {
            LOG.warn("Restored etcd split for prefix '{}' but the source now watches '{}': reading the new prefix"
                    + " from scratch", split.prefix(), prefix());
            split = split.forPrefix(prefix());
        }
        return new EtcdSourceEnumerator(enumContext, split);
    }

    @Override
    public SimpleVersionedSerializer<EtcdPrefixSplit> getSplitSerializer() {
        return EtcdPrefixSplitSerializer.INSTANCE;
    }

    @Override
    public SimpleVersionedSerializer<EtcdSourceEnumState> getEnumeratorCheckpointSerializer() {
        return EtcdSourceEnumStateSerializer.INSTANCE;
    }

    @Override
    public TypeInformation<EtcdKeyEvent> getProducedType() {
        return TypeInformation.of(EtcdKeyEvent.class);
    }
}
