package io.streamcrawl.connectors.etcd.reader;

import io.streamcrawl.connectors.etcd.EtcdKeyEvent;
import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplitState;

import org.apache.flink.annotation.Internal;
import org.apache.flink.api.connector.source.SourceOutput;
import org.apache.flink.connector.base.source.reader.RecordEmitter;

/**
 * Emits a record's event, records the key as known or gone, and advances the split position the
 * record carries; runs on the task thread.
 */
@Internal
public final class EtcdRecordEmitter implements RecordEmitter<EtcdSourceRecord, EtcdKeyEvent, EtcdPrefixSplitState> {

    @Override
    public void emitRecord(EtcdSourceRecord record, SourceOutput<EtcdKeyEvent> output, EtcdPrefixSplitState state) {
        EtcdKeyEvent event = record.event();
        if (event != null) {
            output.collect(event);
            if (event.type() == EtcdKeyEvent.Type.PUT) {
                state.keyPut(event.key(), event.revision());
            } else {
                state.keyDeleted(event.key());
            }
        }
        if (record.positionAfter() != EtcdSourceRecord.KEEP_POSITION) {
            state.setRevision(record.positionAfter());
        }
    }
}
