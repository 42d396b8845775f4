package io.streamcrawl.connectors.etcd.reader;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.connectors.etcd.EtcdKeyEvent;
import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplit;
import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplitState;

import java.util.Map;

import org.apache.flink.connector.testutils.source.reader.TestingReaderOutput;
import org.junit.jupiter.api.Test;

class EtcdRecordEmitterTest {
    private final EtcdRecordEmitter emitter = new EtcdRecordEmitter();
    private final TestingReaderOutput<EtcdKeyEvent> output = new TestingReaderOutput<>();
    private final EtcdPrefixSplitState state = new EtcdPrefixSplitState(EtcdPrefixSplit.unread("/p/"));

    @Test
    void prefixReadMovesThePositionOnlyAtItsEnd() {
        emitter.emitRecord(EtcdSourceRecord.event(EtcdKeyEvent.put("/p/a", "1", 3L), EtcdSourceRecord.KEEP_POSITION),
                output, state);
        emitter.emitRecord(EtcdSourceRecord.event(EtcdKeyEvent.put("/p/b", "2", 9L), EtcdSourceRecord.KEEP_POSITION),
                output, state);
        assertThat(state.revision()).isEqualTo(EtcdPrefixSplit.NO_REVISION);

        emitter.emitRecord(EtcdSourceRecord.position(12L), output, state);

        assertThat(state.revision()).isEqualTo(12L);
        assertThat(output.getEmittedRecords())
                .containsExactly(EtcdKeyEvent.put("/p/a", "1", 3L), EtcdKeyEvent.put("/p/b", "2", 9L));
    }

    @Test
    void watchEventMovesThePositionToItsRevision() {
        emitter.emitRecord(EtcdSourceRecord.event(EtcdKeyEvent.delete("/p/a", 13L), 13L), output, state);

        assertThat(state.revision()).isEqualTo(13L);
        assertThat(output.getEmittedRecords()).containsExactly(EtcdKeyEvent.delete("/p/a", 13L));
    }

    @Test
    void emittedPutsAndDeletesAreTheKnownKeysOfTheCheckpoint() {
        emitter.emitRecord(EtcdSourceRecord.event(EtcdKeyEvent.put("/p/a", "1", 3L), 3L), output, state);
        emitter.emitRecord(EtcdSourceRecord.event(EtcdKeyEvent.put("/p/b", "2", 4L), 4L), output, state);
        emitter.emitRecord(EtcdSourceRecord.event(EtcdKeyEvent.put("/p/a", "1'", 5L), 5L), output, state);
        emitter.emitRecord(EtcdSourceRecord.event(EtcdKeyEvent.delete("/p/b", 6L), 6L), output, state);

        assertThat(state.toSplit()).isEqualTo(new EtcdPrefixSplit("/p/", 6L, Map.of("/p/a", 5L)));
    }
}
