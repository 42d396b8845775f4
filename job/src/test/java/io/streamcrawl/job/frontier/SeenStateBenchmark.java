package io.streamcrawl.job.frontier;

import io.streamcrawl.job.url.UrlFingerprint;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.runtime.state.KeyedStateBackend;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBKeyedStateBackend;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.util.Collector;
import org.apache.flink.util.FileUtils;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.File;
import java.util.concurrent.TimeUnit;

/**
 * JMH: the scheduler's dedup lookup, {@code seen.contains(fingerprint)}, in the same RocksDB
 * {@code MapState<UrlFingerprint, Long>} as {@link HostScheduler}'s (same descriptor, key type
 * and serializers), filled with {@link #keys} fingerprints over {@value #HOSTS} host keys. The
 * state backend is Flink's {@link EmbeddedRocksDBStateBackend} driven through an operator test
 * harness, configured from the cluster's {@code config/flink/config.yaml} (so RocksDB options set
 * there apply here) with the memory of one slot ({@value #SLOT_MEMORY}) as RocksDB's fixed budget,
 * and compacted after the fill.
 * {@code lookupSeen} asks for URLs already seen (most links of a crawl), {@code lookupNew} for
 * URLs never seen.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class SeenStateBenchmark {
    private static final int HOSTS = 64;
    private static final String SLOT_MEMORY = "160m";

    @Param("10000000")
    public int keys;

    private final String[] hosts = new String[HOSTS];
    private KeyedOneInputStreamOperatorTestHarness<String, String, String> harness;
    private KeyedStateBackend<String> backend;
    private MapState<UrlFingerprint, Long> seen;
    private File dir;
    private long random = 42;
    private long nextNew;

    @Setup(Level.Trial)
    public void fill() throws Exception {
        Configuration config = GlobalConfiguration.loadConfiguration(System.getProperty("streamcrawl.flink.conf", "config/flink"));
        config.set(RocksDBOptions.FIX_PER_SLOT_MEMORY_SIZE, MemorySize.parse(SLOT_MEMORY));
        dir = new File(System.getProperty("streamcrawl.bench.dir", "job/target/jmh-rocksdb")).getAbsoluteFile();
        FileUtils.deleteDirectoryQuietly(dir);
        EmbeddedRocksDBStateBackend rocksdb = new EmbeddedRocksDBStateBackend(true).configure(config, getClass().getClassLoader());
        rocksdb.setDbStoragePath(dir.getPath());
        harness = new KeyedOneInputStreamOperatorTestHarness<>(new KeyedProcessOperator<>(new NoOp()), s -> s, Types.STRING);
        harness.setStateBackend(rocksdb);
        harness.open();
        backend = harness.getOperator().getKeyedStateBackend();
        MapStateDescriptor<UrlFingerprint, Long> descriptor = new MapStateDescriptor<>("seen", UrlFingerprint.class, Long.class);
        seen = backend.getPartitionedState(VoidNamespace.INSTANCE, VoidNamespaceSerializer.INSTANCE, descriptor);
        for (int h = 0; h < HOSTS; h++) {
            hosts[h] = "host-" + h + ".example.org";
        }
        long start = System.nanoTime();
        for (long i = 0; i < keys; i++) {
            backend.setCurrentKey(hosts[(int) (i % HOSTS)]);
            seen.put(fingerprint(i), i);
        }
        System.out.printf("%nfilled %,d keys in %.1f s%n", keys, (System.nanoTime() - start) / 1e9);
        // A crawl fills the set over hours while compaction keeps up; a fill in seconds leaves a
        // pile of level-0 files that every lookup would have to probe. Measure the steady state.
        start = System.nanoTime();
        ((RocksDBKeyedStateBackend<String>) backend).compactState(descriptor);
        System.out.printf("compacted in %.1f s%n", (System.nanoTime() - start) / 1e9);
        nextNew = keys;
    }

    @TearDown(Level.Trial)
    public void close() throws Exception {
        harness.close();
        FileUtils.deleteDirectoryQuietly(dir);
    }

    @Benchmark
    public boolean lookupSeen() throws Exception {
        random ^= random << 13;
        random ^= random >>> 7;
        random ^= random << 17;
        long i = Long.remainderUnsigned(random, keys);
        backend.setCurrentKey(hosts[(int) (i % HOSTS)]);
        return seen.contains(fingerprint(i));
    }

    @Benchmark
    public boolean lookupNew() throws Exception {
        long i = nextNew++;
        backend.setCurrentKey(hosts[(int) (i % HOSTS)]);
        return seen.contains(fingerprint(i));
    }

    /** The i-th fingerprint: uniformly spread like MurmurHash3's, and recomputable from i alone. */
    private static UrlFingerprint fingerprint(long i) {
        return new UrlFingerprint(mix(i), mix(i ^ 0x9E3779B97F4A7C15L));
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    private static final class NoOp extends KeyedProcessFunction<String, String, String> {
        @Override
        public void processElement(String value, Context ctx, Collector<String> out) {}
    }
}
