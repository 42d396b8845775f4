package io.streamcrawl.connectors.redis.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.connector.base.sink.writer.BufferedRequestState;
import org.apache.flink.connector.base.sink.writer.RequestEntryWrapper;
import org.junit.jupiter.api.Test;

class RedisStreamEntryStateSerializerTest {
    @Test
    void roundTripKeepsStreamsFieldOrderSizesAndLongNonAsciiValues() throws Exception {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("url", "https://例え.jp/" + "x".repeat(70_000));
        fields.put("task", "t");
        fields.put("depth", "3");
        RedisStreamEntry first = new RedisStreamEntry("streamcrawl:frontier:{2}", fields);
        RedisStreamEntry second = new RedisStreamEntry("s", Map.of("k", ""));
        RedisStreamEntryStateSerializer serializer = new RedisStreamEntryStateSerializer();

        BufferedRequestState<RedisStreamEntry> restored = serializer.deserialize(serializer.getVersion(),
                serializer.serialize(new BufferedRequestState<>(List.of(
                        new RequestEntryWrapper<>(first, 70_042), new RequestEntryWrapper<>(second, 2)))));

        assertThat(serializer.getVersion()).isEqualTo(1);
        assertThat(restored.getBufferedRequestEntries()).extracting(RequestEntryWrapper::getRequestEntry)
                .containsExactly(first, second);
        assertThat(restored.getBufferedRequestEntries().get(0).getRequestEntry().fields().keySet())
                .containsExactly("url", "task", "depth");
        assertThat(restored.getBufferedRequestEntries()).extracting(RequestEntryWrapper::getSize).containsExactly(70_042L, 2L);
    }
}
