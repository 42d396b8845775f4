package io.streamcrawl.connectors.redis;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

/** A test sink that appends every record to a static queue named per test (MiniCluster runs in this JVM). */
public final class CollectingSink implements Sink<String> {
    private static final Map<String, Queue<String>> RESULTS = new ConcurrentHashMap<>();

    private final String name;

    public CollectingSink(String name) {
        this.name = name;
        RESULTS.put(name, new ConcurrentLinkedQueue<>());
    }

    /** A snapshot of what the sink named {@code name} has received so far, in arrival order. */
    public static List<String> results(String name) {
        return new ArrayList<>(RESULTS.getOrDefault(name, new ConcurrentLinkedQueue<>()));
    }

    @Override
    public SinkWriter<String> createWriter(WriterInitContext context) {
        Queue<String> queue = RESULTS.computeIfAbsent(name, k -> new ConcurrentLinkedQueue<>());
        return new SinkWriter<>() {
            @Override
            public void write(String element, Context context) {
                queue.add(element);
            }

            @Override
            public void flush(boolean endOfInput) {}

            @Override
            public void close() {}
        };
    }
}
