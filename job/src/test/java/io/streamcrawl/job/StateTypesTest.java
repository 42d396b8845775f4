package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.fetch.FetchRequest;
import io.streamcrawl.job.frontier.FrontierEntry;
import io.streamcrawl.job.frontier.HostBackoff;
import io.streamcrawl.job.frontier.QueueBounds;
import io.streamcrawl.job.frontier.QueueLane;
import io.streamcrawl.job.frontier.QueueSlot;
import io.streamcrawl.job.frontier.RetryEntry;
import io.streamcrawl.job.frontier.RobotsRecord;
import io.streamcrawl.job.frontier.TaskState;
import io.streamcrawl.job.journal.RecordedPage;
import io.streamcrawl.job.stats.TaskCounters;
import io.streamcrawl.job.url.UrlFingerprint;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.api.java.typeutils.runtime.PojoSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every type the job keeps in keyed, broadcast or operator state (the fetcher's state holds its
 * in-flight requests) has Flink's POJO serializer, down to its fields: no Kryo, so a state class
 * can gain or lose fields between savepoints (scripts/cluster-ops.sh upgrade does that).
 */
class StateTypesTest {
    @ParameterizedTest
    @ValueSource(classes = {UrlFingerprint.class, QueueSlot.class, QueueLane.class, QueueBounds.class, FrontierEntry.class,
            TaskState.class, TaskCounters.Count.class, FetchRequest.class, RobotsRecord.class, HostBackoff.class,
            RetryEntry.class, RecordedPage.class})
    void hasAPojoSerializerWithoutGenericTypes(Class<?> type) {
        TypeInformation<?> info = TypeInformation.of(type);
        SerializerConfigImpl noGenericTypes = new SerializerConfigImpl();
        noGenericTypes.setGenericTypes(false);

        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        assertThat(info.createSerializer(noGenericTypes)).isInstanceOf(PojoSerializer.class);
    }
}
