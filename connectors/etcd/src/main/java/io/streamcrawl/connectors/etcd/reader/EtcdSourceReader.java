package io.streamcrawl.connectors.etcd.reader;

import io.streamcrawl.connectors.etcd.EtcdKeyEvent;
import io.streamcrawl.connectors.etcd.EtcdWatchSourceOptions;
import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplit;
import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplitState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.SingleThreadMultiplexSourceReaderBase;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The etcd watch source's reader: one fetcher thread runs an {@link EtcdPrefixSplitReader}, and
 * {@link EtcdRecordEmitter} emits its records and advances the checkpointed revision. A reader
 * that is not given the split holds no etcd connection.
 *
 * <p>Nothing is committed on checkpoint completion: etcd keeps its history itself, and the
 * revision in the checkpoint is all a restore needs.
 */
@Internal
public final class EtcdSourceReader
        extends SingleThreadMultiplexSourceReaderBase<EtcdSourceRecord, EtcdKeyEvent, EtcdPrefixSplit, EtcdPrefixSplitState> {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdSourceReader.class);

    private final String prefix;

    public EtcdSourceReader(
            Supplier<SplitReader<EtcdSourceRecord, EtcdPrefixSplit>> splitReaderSupplier,
            Configuration config,
            SourceReaderContext context) {
        super(splitReaderSupplier, new EtcdRecordEmitter(), config, context);
        this.prefix = config.get(EtcdWatchSourceOptions.PREFIX);
    }

    @Override
    public void addSplits(List<EtcdPrefixSplit> splits) {
        super.addSplits(splits.stream().map(this::forConfiguredPrefix).toList());
    }

    private EtcdPrefixSplit forConfiguredPrefix(EtcdPrefixSplit split) {
        EtcdPrefixSplit configured = split.forPrefix(prefix);
        if (configured != split) {
            LOG.warn("Restored etcd split for prefix '{}' but the source now watches '{}': reading the new prefix"
                    + " from scratch", split.prefix(), prefix);
        }
        return configured;
    }

    @Override
    protected void onSplitFinished(Map<String, EtcdPrefixSplitState> finishedSplitIds) {
        // The split is unbounded and never finishes.
    }

    @Override
    protected EtcdPrefixSplitState initializedState(EtcdPrefixSplit split) {
        return new EtcdPrefixSplitState(split);
    }

    @Override
    protected EtcdPrefixSplit toSplitType(String splitId, EtcdPrefixSplitState splitState) {
        return splitState.toSplit();
    }
}
