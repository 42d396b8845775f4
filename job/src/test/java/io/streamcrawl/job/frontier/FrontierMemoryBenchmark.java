package io.streamcrawl.job.frontier;

import io.streamcrawl.connectors.redis.sink.RedisStreamEntry;
import io.streamcrawl.job.config.CrawlerOptions;
import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.FrontierEntrySerializer;
import io.streamcrawl.job.model.TaskEvent;
import io.streamcrawl.job.stats.TaskStatsSettings;
import io.streamcrawl.job.url.Hosts;
import io.streamcrawl.job.url.UrlFingerprint;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;

import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.MemorySize;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.state.rocksdb.RocksDBKeyedStateBackend;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.streaming.api.operators.co.CoBroadcastWithKeyedOperator;
import org.apache.flink.streaming.util.KeyedBroadcastOperatorTestHarness;
import org.apache.flink.util.FileUtils;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.params.XAddParams;
import redis.clients.jedis.params.XTrimParams;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Memory of a large frontier (not a JMH benchmark: a main, run by {@code scripts/bench.sh
 * frontier}): pushes {@code --urls} distinct URLs over {@code --hosts} hosts through the real
 * {@link HostScheduler} on Flink's RocksDB state backend (configured from {@code
 * config/flink/config.yaml}, with one slot's managed memory as RocksDB's budget), with no task
 * spec, so that every URL is deduplicated and stays queued as for a task not yet enabled. It
 * prints the heap in use after a full GC as the frontier grows (run it with the TaskManager's
 * heap, {@code -Xmx}), the process's RSS and the RocksDB files per URL (seen-set and queue
 * entry), and then the Redis memory of a frontier stream backlog of {@code --backlog} entries in
 * the public wire format, before and after they are trimmed as the source does once a
 * checkpoint covers them. Redis and etcd are started on free ports as the tests do.
 */
public final class FrontierMemoryBenchmark {
    private static final String TASK = "bench";
    private static final String SLOT_MEMORY = "160m";
    private static final int REPORTS = 10;

    private FrontierMemoryBenchmark() {}

    public static void main(String[] args) throws Exception {
        long urls = 10_000_000;
        int hosts = 10_000;
        int backlog = 1_000_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--urls" -> urls = Long.parseLong(args[i + 1]);
                case "--hosts" -> hosts = Integer.parseInt(args[i + 1]);
                case "--backlog" -> backlog = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown option " + args[i]);
            }
        }
        RedisServerExtension redis = new RedisServerExtension();
        EtcdServerExtension etcd = new EtcdServerExtension();
        redis.beforeAll(null);
        etcd.beforeAll(null);
        try {
            frontier(urls, hosts, redis, etcd);
            redisBacklog(backlog, redis);
        } finally {
            etcd.afterAll(null);
            redis.afterAll(null);
        }
    }

    private static void frontier(long urls, int hosts, RedisServerExtension redis, EtcdServerExtension etcd)
            throws Exception {
        Configuration flink = GlobalConfiguration.loadConfiguration(System.getProperty("streamcrawl.flink.conf", "config/flink"));
        flink.set(RocksDBOptions.FIX_PER_SLOT_MEMORY_SIZE, MemorySize.parse(SLOT_MEMORY));
        File dir = new File(System.getProperty("streamcrawl.bench.dir", "job/target/frontier-rocksdb")).getAbsoluteFile();
        FileUtils.deleteDirectoryQuietly(dir);
        EmbeddedRocksDBStateBackend rocksdb =
                new EmbeddedRocksDBStateBackend(true).configure(flink, FrontierMemoryBenchmark.class.getClassLoader());
        rocksdb.setDbStoragePath(dir.getPath());

        Configuration defaults = new Configuration();
        String redisHost = redis.host();
        int redisPort = redis.port();
        HostScheduler scheduler = new HostScheduler(
                SchedulerSettings.from(defaults), RobotsSettings.from(defaults), BackoffSettings.from(defaults),
                new TaskStatsSettings(() -> RedisClient.create(redisHost, redisPort), "frontier-bench:",
                        defaults.get(CrawlerOptions.STATS_INTERVAL)),
                new ControlPlane(etcd.endpoint(), "/frontier-bench/"), defaults.get(CrawlerOptions.SCHEDULER_BUDGET_CHUNK));
        try (KeyedBroadcastOperatorTestHarness<String, FrontierEntry, TaskEvent, FetchRequest> harness =
                new KeyedBroadcastOperatorTestHarness<>(
                        new CoBroadcastWithKeyedOperator<>(scheduler, List.of(HostScheduler.TASKS)),
                        entry -> Hosts.hostOf(entry.url()).orElse(""), Types.STRING, 128, 1, 0)) {
            harness.setStateBackend(rocksdb);
            harness.setup();
            harness.open();
            System.out.printf("frontier: %,d URLs over %,d hosts through the host scheduler (RocksDB, %s of managed memory), max heap %d MiB%n",
                    urls, hosts, SLOT_MEMORY, Runtime.getRuntime().maxMemory() >> 20);
            long start = System.nanoTime();
            long maxHeap = 0;
            for (long i = 0; i < urls; i++) {
                harness.processElement(entry(i, hosts), 0);
                if ((i + 1) % (urls / REPORTS) == 0 || i + 1 == urls) {
                    long heap = heapAfterGc();
                    maxHeap = Math.max(maxHeap, heap);
                    System.out.printf("frontier: urls=%d seconds=%.0f heap_after_gc_mib=%d rss_mib=%d rocksdb_dir_mib=%d%n",
                            i + 1, (System.nanoTime() - start) / 1e9, heap >> 20, rssKiB() >> 10, bytes(dir.toPath()) >> 20);
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (!harness.getOutput().isEmpty()) {
                throw new IllegalStateException("the scheduler released URLs of a task without a spec");
            }
            // The live data without the memtables and the not yet merged files of a fill in minutes.
            RocksDBKeyedStateBackend<?> backend = (RocksDBKeyedStateBackend<?>) harness.getOperator().getKeyedStateBackend();
            backend.compactState(new MapStateDescriptor<>("seen", UrlFingerprint.class, Long.class));
            backend.compactState(new MapStateDescriptor<>("queue", QueueSlot.class, QueuedUrl.class));
            long db = bytes(dir.toPath());
            System.out.printf("bench: frontier urls=%d hosts=%d urls_per_s=%.0f heap_after_gc_max_mib=%d rss_peak_mib=%d "
                            + "rocksdb_bytes=%d rocksdb_bytes_per_url=%.1f (seen-set + queue entry, compacted)%n",
                    urls, hosts, urls / seconds, maxHeap >> 20, hwmKiB() >> 10, db, (double) db / urls);
        } finally {
            FileUtils.deleteDirectoryQuietly(dir);
        }
    }

    /** The i-th URL: a documentation-like path of about 70 characters on host i mod hosts, found on its predecessor. */
    private static FrontierEntry entry(long i, int hosts) {
        return new FrontierEntry(url(i, hosts), TASK, 3, 0, i < hosts ? null : url(i - hosts, hosts));
    }

    private static String url(long i, int hosts) {
        long n = i / hosts;
        return "http://host-" + (i % hosts) + ".example.org/docs/section-" + (n % 97) + "/page-" + n + "-of-the-guide.html";
    }

    /**
     * Redis's memory for a backlog of frontier entries (written, not yet read and acknowledged),
     * then after the source's trim: the frontier costs Redis what is unread, not its history.
     */
    private static void redisBacklog(int entries, RedisServerExtension redis) {
        FrontierEntrySerializer serializer = new FrontierEntrySerializer("streamcrawl:frontier:", 1);
        try (RedisClient client = RedisClient.create(redis.host(), redis.port())) {
            long before = usedMemory(client);
            try (AbstractPipeline pipeline = client.pipelined()) {
                for (int i = 0; i < entries; i++) {
                    RedisStreamEntry wire = serializer.serialize(entry(i, 10_000));
                    pipeline.xadd(wire.stream(), XAddParams.xAddParams(), wire.fields());
                }
            }
            long full = usedMemory(client);
            client.xtrim("streamcrawl:frontier:0", XTrimParams.xTrimParams().maxLen(0));
            long trimmed = usedMemory(client);
            System.out.printf("bench: redis backlog_entries=%d used_memory_mib before=%.1f with_backlog=%.1f after_trim=%.1f bytes_per_entry=%.0f%n",
                    entries, before / 1048576.0, full / 1048576.0, trimmed / 1048576.0, (double) (full - before) / entries);
        }
    }

    private static long usedMemory(RedisClient client) {
        return client.info("memory").lines().filter(line -> line.startsWith("used_memory:"))
                .mapToLong(line -> Long.parseLong(line.substring("used_memory:".length()).trim())).findFirst().orElse(-1);
    }

    private static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static long rssKiB() throws IOException {
        return statusKiB("VmRSS:");
    }

    private static long hwmKiB() throws IOException {
        return statusKiB("VmHWM:");
    }

    private static long statusKiB(String field) throws IOException {
        try (Stream<String> lines = Files.lines(Path.of("/proc/self/status"))) {
            return lines.filter(line -> line.startsWith(field))
                    .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
        }
    }

    private static long bytes(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }
}
