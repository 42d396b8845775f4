package io.streamcrawl.job;

import io.streamcrawl.connectors.etcd.EtcdWatchSource;
import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisFenceOptions;
import io.streamcrawl.connectors.redis.sink.RedisStreamSink;
import io.streamcrawl.connectors.redis.sink.RedisStreamSinkBuilder;
import io.streamcrawl.connectors.redis.sink.RedisStreamSinkOptions;
import io.streamcrawl.connectors.redis.source.RedisStreamSource;
import io.streamcrawl.connectors.redis.source.RedisStreamSourceBuilder;
import io.streamcrawl.job.config.CrawlerConfigLoader;
import io.streamcrawl.job.config.RedisConnections;
import io.streamcrawl.job.control.JobFence;
import io.streamcrawl.job.control.JobFenceFunction;
import io.streamcrawl.job.control.TaskControlFunction;
import io.streamcrawl.job.control.WorkerRegistrySettings;
import io.streamcrawl.job.dedup.NearDuplicateMarker;
import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.fetch.AsyncFetcher;
import io.streamcrawl.job.fetch.FetchOutcomeRouter;
import io.streamcrawl.job.fetch.FetcherSettings;
import io.streamcrawl.job.frontier.BackoffSettings;
import io.streamcrawl.job.frontier.HostScheduler;
import io.streamcrawl.job.frontier.RobotsSettings;
import io.streamcrawl.job.frontier.SchedulerSettings;
import io.streamcrawl.job.journal.PageWrites;
import io.streamcrawl.job.journal.PagesJournal;
import io.streamcrawl.job.journal.StreamWrite;
import io.streamcrawl.job.journal.StreamWriteSerializer;
import io.streamcrawl.job.model.CrawledPage;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.FrontierEntryDeserializer;
import io.streamcrawl.job.model.FrontierEntrySerializer;
import io.streamcrawl.job.model.PageRecordSerializer;
import io.streamcrawl.job.model.TaskEvent;
import io.streamcrawl.job.output.OutputFiles;
import io.streamcrawl.job.output.WarcEncoder;
import io.streamcrawl.job.parse.PageParser;
import io.streamcrawl.job.stats.PageCounter;
import io.streamcrawl.job.stats.ReportCounters;
import io.streamcrawl.job.stats.TaskStatsSettings;
import io.streamcrawl.job.url.Hosts;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.streaming.api.datastream.AsyncDataStream;
import org.apache.flink.streaming.api.datastream.BroadcastStream;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import static io.streamcrawl.job.config.CrawlerOptions.*;

/**
 * The main class of crawler-job.jar: reads the configuration and wires the crawl topology
 * (frontier source, host schedulers, fetchers, parsers, the sinks back to the frontier). Each operator has a stable uid (its state's name in savepoints) and a readable name
 * (what the Flink web UI shows).
 */
public final class CrawlerJob {
    private CrawlerJob() {}

    public static void main(String[] args) throws Exception {
        Configuration config = CrawlerConfigLoader.fromArgs(args);
        // Refuse (or wait) before submitting while another job holds the crawl namespace.
        JobFence fence = JobFence.forNewJob(config);
        try (JobFence.Reservation reservation = fence.reserve(config.get(FENCE_WAIT))) {
            StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
            build(env, config, fence);
            env.execute(config.get(JOB_NAME));
            // Detached, execute returns once submitted: the reservation lives until the job holds the fence.
            reservation.awaitHandover();
        }
    }

    /** Adds the crawl topology to {@code env}, with a job fence of its own. */
    public static void build(StreamExecutionEnvironment env, Configuration config) {
        build(env, config, JobFence.forNewJob(config));
    }

    /** Adds the crawl topology to {@code env}; the job holds {@code fence} while it runs. */
    public static void build(StreamExecutionEnvironment env, Configuration config, JobFence fence) {
        Configuration pipeline = new Configuration();
        pipeline.set(PipelineOptions.GENERIC_TYPES, false);
        // Records between operators are immutable (Java records, Strings, a fetched body no one
        // writes to) and no function keeps a mutable input: chained operators need not copy them.
        pipeline.set(PipelineOptions.OBJECT_REUSE, true);
        env.configure(pipeline);
        if (config.get(PARALLELISM) > 0) {
            env.setParallelism(config.get(PARALLELISM));
        }
        env.enableCheckpointing(config.get(CHECKPOINT_INTERVAL).toMillis());

        RedisConnectionConfig redis = RedisConnections.of(config);
        TaskStatsSettings stats = new TaskStatsSettings(
                () -> redis.createClient("streamcrawl-stats"), config.get(STATS_KEY_PREFIX), config.get(STATS_INTERVAL));
        String streamPrefix = config.get(FRONTIER_STREAM_PREFIX);
        int shards = config.get(FRONTIER_SHARDS);
        List<String> streams = IntStream.range(0, shards).mapToObj(i -> streamPrefix + i).toList();

        FrontierEntrySerializer frontierSerializer = new FrontierEntrySerializer(streamPrefix, shards);
        RedisStreamSourceBuilder<FrontierEntry> frontierSource = RedisStreamSource.<FrontierEntry>builder()
                .setConnection(redis)
                .setStreams(streams)
                .setGroup(config.get(FRONTIER_GROUP))
                .setDeserializer(new FrontierEntryDeserializer());
        RedisConnections.applyOptions(config, REDIS_SOURCE_OPTIONS, frontierSource::setOption);
        frontierSource.setOption(RedisFenceOptions.KEY, fence.streamFence().key())
                .setOption(RedisFenceOptions.TOKEN, fence.streamFence().token());
        DataStream<FrontierEntry> frontier = env.fromSource(
                        frontierSource.build(),
                        WatermarkStrategy.noWatermarks(),
                        "frontier source")
                .uid("frontier-source");

        ControlPlane control = ControlPlane.of(config);
        BroadcastStream<TaskEvent> taskEvents = env.fromSource(
                        EtcdWatchSource.builder()
                                .setConnection(control.etcd())
                                .setPrefix(control.keys().tasksPrefix())
                                .set(ETCD_RETRY_TIMEOUT, config.get(ETCD_RETRY_TIMEOUT))
                                .build(),
                        WatermarkStrategy.noWatermarks(),
                        "task control source")
                .uid("task-control-source")
                .setParallelism(1)
                .process(new JobFenceFunction(fence))
                .name("job fence")
                .uid("job-fence")
                .setParallelism(1)
                .process(new TaskControlFunction(control, redis, frontierSerializer))
                .name("task control")
                .uid("task-control")
                .setParallelism(1)
                .broadcast(HostScheduler.TASKS);

        SingleOutputStreamOperator<FetchRequest> released = frontier
                .keyBy(entry -> Hosts.hostOf(entry.url()).orElse(""))
                .connect(taskEvents)
                .process(new HostScheduler(
                        SchedulerSettings.from(config), RobotsSettings.from(config), BackoffSettings.from(config),
                        stats, control, config.get(SCHEDULER_BUDGET_CHUNK))
                        .registeringWorkers(WorkerRegistrySettings.of(config)))
                .name("host scheduler")
                .uid("host-scheduler");

        int capacity = config.get(FETCH_ASYNC_CAPACITY);
        FetcherSettings fetcherSettings = new FetcherSettings(capacity, config.get(FETCH_MAX_REQUESTS_PER_HOST),
                config.get(FETCH_CONNECT_TIMEOUT), config.get(FETCH_READ_TIMEOUT),
                config.get(FETCH_HOST_QUEUE_LENGTH), config.get(FETCH_HOST_QUEUE_WAIT), config.get(BACKOFF_MAX_RETRY_AFTER),
                config.get(FETCH_MAX_BODY_BYTES_IN_FLIGHT).getBytes());
        SingleOutputStreamOperator<FetchResult> fetched = AsyncDataStream.unorderedWait(
                        released, new AsyncFetcher(fetcherSettings, PagesJournal.of(config, redis)),
                        config.get(FETCH_OPERATOR_TIMEOUT).toMillis(), TimeUnit.MILLISECONDS, capacity)
                .name("fetcher")
                .uid("fetcher");

        SingleOutputStreamOperator<FetchResult> routed = fetched
                .process(new FetchOutcomeRouter(config.get(FETCH_MAX_RETRIES)))
                .name("fetch outcomes")
                .uid("fetch-outcomes");

        SingleOutputStreamOperator<CrawledPage> pages = routed
                .process(new PageParser(PageParser.DEFAULT_MAX_LINKS_PER_PAGE, config.get(PARSE_MAX_TEXT_CHARS),
                        OutputFiles.keepsText(config), config.get(NEAR_DUPLICATES_ENABLED)))
                .name("page parser")
                .uid("page-parser");

        SingleOutputStreamOperator<CrawledPage> markedPages = pages
                .keyBy(page -> Hosts.hostOf(page.record().pageUrl()).orElse(""))
                .process(new NearDuplicateMarker(
                        config.get(NEAR_DUPLICATES_MAX_DISTANCE), config.get(NEAR_DUPLICATES_PAGES_PER_HOST)))
                .name("near-duplicate marker")
                .uid("near-duplicates");

        OutputFiles.jsonLines(config).ifPresent(sink -> markedPages.map(CrawledPage::record)
                .name("page records")
                .uid("page-records")
                .sinkTo(sink)
                .name("jsonl files")
                .uid("jsonl-files"));
        OutputFiles.warc(config).ifPresent(sink -> fetched.filter(WarcEncoder::archivable)
                .name("archivable fetches")
                .uid("archivable-fetches")
                .sinkTo(sink)
                .name("warc files")
                .uid("warc-files"));

        routed.getSideOutput(FetchOutcomeRouter.FEEDBACK)
                .sinkTo(CrawlerJob.<FrontierEntry>redisSink(config, redis, fence)
                        .setSerializer(frontierSerializer)
                        .build())
                .name("frontier sink")
                .uid("frontier-sink");

        // One sink writes a page's links, then its record: a record in the pages stream is the fetch
        // journal a restored fetcher reads (PagesJournal).
        String pagesStream = config.get(PAGES_STREAM);
        markedPages.map(new PageCounter(stats,
                        new ReportCounters.Bounds(config.get(STATS_REPORT_HOSTS), config.get(STATS_REPORT_MEDIA_TYPES))))
                .name("page counter")
                .uid("page-counter")
                .flatMap(new PageWrites(config.get(FRONTIER_RECENT_LINKS)))
                .name("page writes")
                .uid("page-writes")
                .sinkTo(CrawlerJob.<StreamWrite>redisSink(config, redis, fence)
                        .setSerializer(new StreamWriteSerializer(frontierSerializer, new PageRecordSerializer(pagesStream)))
                        .setMaxLength(config.get(PAGES_MAX_LENGTH))
                        .setOption(RedisStreamSinkOptions.JOURNAL_STREAM, pagesStream)
                        .build())
                .name("pages sink")
                .uid("pages-sink");
    }

    private static <T> RedisStreamSinkBuilder<T> redisSink(Configuration config, RedisConnectionConfig redis, JobFence fence) {
        RedisStreamSinkBuilder<T> sink = RedisStreamSink.<T>builder().setConnection(redis)
                .setOption(RedisFenceOptions.KEY, fence.streamFence().key())
                .setOption(RedisFenceOptions.TOKEN, fence.streamFence().token());
        RedisConnections.applyOptions(config, REDIS_SINK_OPTIONS, sink::setOption);
        return sink;
    }
}
