package io.streamcrawl.connectors.etcd.reader;

import io.streamcrawl.connectors.etcd.EtcdKeyEvent;
import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplitState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

/** Emits a record's event and advances the split position it carries; runs on the task thread. */
@Internal
public final class EtcdRecordEmitter implements RecordEmitter<EtcdSourceRecord, EtcdKeyEvent, EtcdPrefixSplitState> {

    @Override
    public void emitRecord(EtcdSourceRecord record, SourceOutput<EtcdKeyEvent> output, EtcdPrefixSplitState state) {
        if (record.event() != null) {
            output.collect(record.event());
        }
        if (record.positionAfter() != EtcdSourceRecord.KEEP_POSITION) {
            state.setRevision(record.positionAfter());
        }
    }
}
