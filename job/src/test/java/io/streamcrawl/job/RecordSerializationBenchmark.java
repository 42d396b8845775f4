package io.streamcrawl.job;

import io.streamcrawl.job.config.FetchSettings;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.PageRecord;
import io.streamcrawl.job.url.TaskScope;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * JMH: the records that travel between the job's operators, with the serializers Flink picks for
 * them when generic types are off (the job's setting): a serialize + deserialize round trip (a
 * network exchange: frontier entries into the keyed scheduler) and a copy (what a chained
 * operator pays per record while object reuse is off). The fetch result carries a 25 KB body.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class RecordSerializationBenchmark {
    private static final String PAGE = "http://127.0.0.1:18090/docs/time-producer-1/operator-join-group-499.html";

    private final Codec<FrontierEntry> frontierEntry = new Codec<>(FrontierEntry.class,
            new FrontierEntry("http://127.0.0.1:18090/docs/charset-type-6/checkpoint-barrier-window-77.html", "bench", 3, 0, PAGE));
    private final FetchRequest request = FetchRequest.builder(PAGE, "bench").depth(3).followLinks(true)
            .task(TaskScope.ofSeeds(List.of("http://127.0.0.1:18090/")),
                    new FetchSettings("streamcrawl/0.1", 30_000, 10L << 20,
                            new String[] {"text/html", "application/xhtml+xml"}, 64, false, 5, true, new String[0]))
            .build();
    private final Codec<FetchRequest> fetchRequest = new Codec<>(FetchRequest.class, request);
    private final Codec<FetchResult> fetchResult = new Codec<>(FetchResult.class,
            FetchResult.response(request, 200).finalUrl(PAGE).contentType("text/html; charset=utf-8")
                    .body(body(), false).timing(1_700_000_000_000L, 3).build());
    private final Codec<PageRecord> pageRecord = new Codec<>(PageRecord.class,
            PageRecord.builder(PAGE, "bench").finalUrl(PAGE).depth(3).status(200)
                    .contentType("text/html; charset=utf-8").contentLength(25_000).title("Operator Join Group Reader")
                    .links(97).fetchedAt("2023-11-14T22:13:20Z").fetchMs(3).lang("en")
                    .contentHash("sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ").simhash(0x5DEECE66DL).build());

    @Benchmark
    public FrontierEntry frontierEntryRoundTrip() throws IOException {
        return frontierEntry.roundTrip();
    }

    @Benchmark
    public FrontierEntry frontierEntryCopy() {
        return frontierEntry.copy();
    }

    @Benchmark
    public FetchRequest fetchRequestCopy() {
        return fetchRequest.copy();
    }

    @Benchmark
    public FetchResult fetchResultCopy() {
        return fetchResult.copy();
    }

    @Benchmark
    public PageRecord pageRecordCopy() {
        return pageRecord.copy();
    }

    @Benchmark
    public PageRecord pageRecordRoundTrip() throws IOException {
        return pageRecord.roundTrip();
    }

    private static byte[] body() {
        byte[] body = new byte[25_000];
        Arrays.fill(body, (byte) 'x');
        return body;
    }

    /** A value with the serializer the job's configuration gives its type. */
    private static final class Codec<T> {
        private final TypeSerializer<T> serializer;
        private final T value;
        private final DataOutputSerializer out = new DataOutputSerializer(32 << 10);
        private final DataInputDeserializer in = new DataInputDeserializer();

        Codec(Class<T> type, T value) {
            SerializerConfigImpl config = new SerializerConfigImpl();
            config.setGenericTypes(false);
            this.serializer = TypeInformation.of(type).createSerializer(config);
            this.value = value;
        }

        T roundTrip() throws IOException {
            out.clear();
            serializer.serialize(value, out);
            in.setBuffer(out.getSharedBuffer(), 0, out.length());
            return serializer.deserialize(in);
        }

        T copy() {
            return serializer.copy(value);
        }
    }
}
