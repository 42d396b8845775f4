package io.streamcrawl.connectors.redis.source;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import io.streamcrawl.connectors.redis.CollectingSink;

/** Deserializers and functions the source's job tests share; static state works as the MiniCluster runs in the test JVM. */
public final class SourceTestFunctions {
    private SourceTestFunctions() {}

    /** The "stream/id" of each result "stream/id#count" of {@link CountPerKey} the sink named {@code sink} received. */
    static Set<String> distinctIds(String sink) {
        Set<String> ids = new HashSet<>();
        CollectingSink.results(sink).forEach(r -> ids.add(r.substring(0, r.indexOf('#'))));
        return ids;
    }

    /** Emits "stream/id". */
    static final class StreamAndId implements RedisStreamDeserializer<String> {
        @Override
        public void deserialize(String stream, String id, Map<String, String> fields, Collector<String> out) {
            out.collect(stream + "/" + id);
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    /** Emits the "url" field; an entry without one is malformed. */
    static final class RequireUrl implements RedisStreamDeserializer<String> {
        @Override
        public void deserialize(String stream, String id, Map<String, String> fields, Collector<String> out) {
            String url = fields.get("url");
            if (url == null) {
                throw new IllegalArgumentException("missing field: url");
            }
            out.collect(url);
        }

        @Override
        public TypeInformation<String> getProducedType() {
            return Types.STRING;
        }
    }

    /** Throws once, at the n-th record after being armed. */
    static final class FailOnce implements MapFunction<String, String> {
        static final AtomicInteger COUNTDOWN = new AtomicInteger();
        static final AtomicInteger FAILURES = new AtomicInteger();

        static void reset() {
            COUNTDOWN.set(0);
            FAILURES.set(0);
        }

        static void armAfter(int records) {
            COUNTDOWN.set(records);
        }

        @Override
        public String map(String value) {
            if (COUNTDOWN.get() > 0 && COUNTDOWN.decrementAndGet() == 0) {
                FAILURES.incrementAndGet();
                throw new IllegalStateException("planned failure at " + value);
            }
            return value;
        }
    }

    /** Holds every record while closed; static, as the MiniCluster runs in this JVM. */
    public static final class Gate implements MapFunction<String, String> {
        private static volatile CountDownLatch latch = new CountDownLatch(0);

        public static void close() {
            latch = new CountDownLatch(1);
        }

        public static void open() {
            latch.countDown();
        }

        @Override
        public String map(String value) throws InterruptedException {
            latch.await();
            return value;
        }
    }

    /** Emits "key#n": how often the key reached the operator's (checkpointed) state. */
    static final class CountPerKey extends KeyedProcessFunction<String, String, String> {
        private transient ValueState<Integer> seen;

        @Override
        public void open(OpenContext openContext) {
            seen = getRuntimeContext().getState(new ValueStateDescriptor<>("seen", Types.INT));
        }

        @Override
        public void processElement(String value, Context ctx, Collector<String> out) throws Exception {
            int n = seen.value() == null ? 1 : seen.value() + 1;
            seen.update(n);
            out.collect(value + "#" + n);
        }
    }
}
