package io.streamcrawl.connectors.etcd;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** Appends every event to a static list named by the test; MiniCluster runs in the test's JVM. */
final class CollectingSink implements Sink<EtcdKeyEvent> {
    private static final Map<String, List<EtcdKeyEvent>> LISTS = new ConcurrentHashMap<>();

    private final String name;

    private CollectingSink(String name) {
        this.name = name;
    }

    /** A sink writing into a new, empty list called {@code name}. */
    static CollectingSink into(String name) {
        LISTS.put(name, new CopyOnWriteArrayList<>());
        return new CollectingSink(name);
    }

    static List<EtcdKeyEvent> events(String name) {
        return LISTS.get(name);
    }

    @Override
    public SinkWriter<EtcdKeyEvent> createWriter(WriterInitContext context) {
        List<EtcdKeyEvent> list = LISTS.get(name);
        return new SinkWriter<>() {
            @Override
            public void write(EtcdKeyEvent event, Context context) {
                list.add(event);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
