package io.streamcrawl.job.config;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;

import io.streamcrawl.connectors.etcd.EtcdWatchSourceOptions;
import io.streamcrawl.connectors.redis.RedisRetryOptions;
import io.streamcrawl.connectors.redis.sink.RedisStreamSinkOptions;
import io.streamcrawl.connectors.redis.source.RedisStreamSourceOptions;

import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.MemorySize;

/**
 * Every setting of the crawl job with its default: the one home for defaults. The file
 * config/crawler.yaml documents the same keys and is checked against this class by a test.
 */
public final class CrawlerOptions {
    private CrawlerOptions() {}

    public static final ConfigOption<String> REDIS_HOST = ConfigOptions.key("redis.host")
            .stringType().defaultValue("127.0.0.1").withDescription("Redis host of the frontier and page streams.");

    public static final ConfigOption<Integer> REDIS_PORT = ConfigOptions.key("redis.port")
            .intType().defaultValue(16379).withDescription("Redis port.");

    public static final ConfigOption<String> REDIS_USER = ConfigOptions.key("redis.user")
            .stringType().defaultValue("").withDescription("Redis ACL user; empty for none.");

    public static final ConfigOption<String> REDIS_PASSWORD = ConfigOptions.key("redis.password")
            .stringType().defaultValue("").withDescription("Redis password; empty for none.");

    public static final ConfigOption<String> REDIS_CLUSTER_NODES = ConfigOptions.key("redis.cluster-nodes")
            .stringType().defaultValue("").withDescription(
                    "Comma-separated host:port seed nodes of a Redis Cluster; when set, redis.host and redis.port are not used.");

    public static final ConfigOption<Boolean> REDIS_TLS_ENABLED = ConfigOptions.key("redis.tls.enabled")
            .booleanType().defaultValue(false).withDescription("Connect to Redis with TLS.");

    public static final ConfigOption<String> REDIS_TLS_CA_CERTIFICATES = ConfigOptions.key("redis.tls.ca-certificates")
            .stringType().defaultValue("").withDescription("PEM file of the authorities to trust; empty: the trust store, else the JVM's.");

    public static final ConfigOption<String> REDIS_TLS_TRUSTSTORE = ConfigOptions.key("redis.tls.truststore")
            .stringType().defaultValue("").withDescription("Trust store file (PKCS12 or JKS), instead of redis.tls.ca-certificates.");

    public static final ConfigOption<String> REDIS_TLS_TRUSTSTORE_PASSWORD = ConfigOptions.key("redis.tls.truststore-password")
            .stringType().defaultValue("").withDescription("Trust store password; empty for none.");

    public static final ConfigOption<String> REDIS_TLS_CLIENT_CERTIFICATE = ConfigOptions.key("redis.tls.client-certificate")
            .stringType().defaultValue("").withDescription("PEM certificate chain the job presents to Redis (with redis.tls.client-key).");

    public static final ConfigOption<String> REDIS_TLS_CLIENT_KEY = ConfigOptions.key("redis.tls.client-key")
            .stringType().defaultValue("").withDescription("Unencrypted PKCS#8 PEM key of redis.tls.client-certificate.");

    public static final ConfigOption<String> REDIS_TLS_KEYSTORE = ConfigOptions.key("redis.tls.keystore")
            .stringType().defaultValue("").withDescription("Key store file with the client key and certificate, instead of the PEM files.");

    public static final ConfigOption<String> REDIS_TLS_KEYSTORE_PASSWORD = ConfigOptions.key("redis.tls.keystore-password")
            .stringType().defaultValue("").withDescription("Key store password; empty for none.");

    public static final ConfigOption<Boolean> REDIS_TLS_VERIFY_HOSTNAME = ConfigOptions.key("redis.tls.verify-hostname")
            .booleanType().defaultValue(true).withDescription("Require the server's certificate to name the host connected to.");

    public static final ConfigOption<String> ETCD_ENDPOINTS = ConfigOptions.key("etcd.endpoints")
            .stringType().defaultValue("http://127.0.0.1:23790").withDescription("Comma-separated etcd endpoints.");

    public static final ConfigOption<String> ETCD_PREFIX = ConfigOptions.key("etcd.prefix")
            .stringType().defaultValue("/streamcrawl/").withDescription("Root of the control keys in etcd.");

    public static final ConfigOption<String> ETCD_USER = ConfigOptions.key("etcd.user")
            .stringType().defaultValue("").withDescription("etcd user (RBAC); empty for none.");

    public static final ConfigOption<String> ETCD_PASSWORD = ConfigOptions.key("etcd.password")
            .stringType().defaultValue("").withDescription("Password of etcd.user.");

    public static final ConfigOption<String> ETCD_TLS_CA_FILE = ConfigOptions.key("etcd.tls.ca-file")
            .stringType().defaultValue("")
            .withDescription("PEM file of the authorities to trust with https:// endpoints; empty: the JVM's trust store.");

    public static final ConfigOption<String> ETCD_TLS_CERT_FILE = ConfigOptions.key("etcd.tls.cert-file")
            .stringType().defaultValue("").withDescription("PEM client certificate for an etcd with --client-cert-auth (with etcd.tls.key-file).");

    public static final ConfigOption<String> ETCD_TLS_KEY_FILE = ConfigOptions.key("etcd.tls.key-file")
            .stringType().defaultValue("").withDescription("Unencrypted PKCS#8 PEM key of etcd.tls.cert-file.");

    public static final ConfigOption<String> ETCD_TLS_AUTHORITY = ConfigOptions.key("etcd.tls.authority")
            .stringType().defaultValue("")
            .withDescription("Host name etcd's certificate must name when the endpoints do not (e.g. endpoints by IP); empty: the endpoints' hosts.");

    /** The etcd connector's option, handed to the task-control source (its default lives in the connector). */
    public static final ConfigOption<Duration> ETCD_RETRY_TIMEOUT = EtcdWatchSourceOptions.RETRY_TIMEOUT;

    public static final ConfigOption<String> FRONTIER_STREAM_PREFIX = ConfigOptions.key("frontier.stream-prefix")
            .stringType().defaultValue("streamcrawl:frontier:").withDescription("Frontier stream key prefix; the shard number follows.");

    public static final ConfigOption<Integer> FRONTIER_SHARDS = ConfigOptions.key("frontier.shards")
            .intType().defaultValue(4).withDescription("Number of frontier streams (source splits).");

    public static final ConfigOption<String> FRONTIER_GROUP = ConfigOptions.key("frontier.group")
            .stringType().defaultValue("streamcrawl").withDescription("Consumer group of the job on the frontier streams.");

    public static final ConfigOption<Integer> FRONTIER_RECENT_LINKS = ConfigOptions.key("frontier.recent-links")
            .intType().defaultValue(100_000)
            .withDescription("Links each pages-sink subtask remembers having sent to the frontier, to drop repeats before Redis; 0 sends every link.");

    public static final ConfigOption<String> PAGES_STREAM = ConfigOptions.key("pages.stream")
            .stringType().defaultValue("streamcrawl:pages").withDescription("Redis stream of page records.");

    public static final ConfigOption<Long> PAGES_MAX_LENGTH = ConfigOptions.key("pages.max-length")
            .longType().defaultValue(1_000_000L).withDescription("Approximate MAXLEN of the page stream; 0 keeps all.");

    public static final ConfigOption<Duration> PAGES_JOURNAL_CLOCK_SKEW = ConfigOptions.key("pages.journal-clock-skew")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("After a restore, the page stream is read from the restored checkpoint's time less this margin"
                    + " (the largest difference expected between the TaskManagers' and Redis' clocks), so that the pages"
                    + " recorded since are not fetched again.");

    public static final ConfigOption<String> STATS_KEY_PREFIX = ConfigOptions.key("stats.key-prefix")
            .stringType().defaultValue("streamcrawl:stats:").withDescription("Redis hash per task with the counters the job publishes.");

    public static final ConfigOption<Duration> STATS_INTERVAL = ConfigOptions.key("stats.interval")
            .durationType().defaultValue(Duration.ofSeconds(1)).withDescription("How often task counters (those of the last completed checkpoint) are published.");

    public static final ConfigOption<Integer> STATS_REPORT_HOSTS = ConfigOptions.key("stats.report-hosts")
            .intType().defaultValue(100)
            .withDescription("Per page counter subtask and task, how many hosts crawlctl report counts one by one (the first"
                    + " it sees); the fetches of later hosts are counted together as '(other hosts)'.");

    public static final ConfigOption<Integer> STATS_REPORT_MEDIA_TYPES = ConfigOptions.key("stats.report-media-types")
            .intType().defaultValue(30)
            .withDescription("Per page counter subtask and task, how many media types crawlctl report counts one by one (the"
                    + " first it sees); later ones are counted together as '(other)'.");

    public static final ConfigOption<Integer> FETCH_ASYNC_CAPACITY = ConfigOptions.key("fetch.async-capacity")
            .intType().defaultValue(100).withDescription("Fetches in flight per fetcher subtask.");

    public static final ConfigOption<Integer> FETCH_MAX_REQUESTS_PER_HOST = ConfigOptions.key("fetch.max-requests-per-host")
            .intType().defaultValue(64)
            .withDescription("Cap on concurrent requests to one host in one fetcher subtask, whatever a task's politeness.maxInFlightPerHost allows.");

    public static final ConfigOption<Integer> FETCH_HOST_QUEUE_LENGTH = ConfigOptions.key("fetch.host-queue-length")
            .intType().defaultValue(100)
            .withDescription("Requests that may wait in the fetcher for a busy host; more are deferred at once (back to the frontier).");

    public static final ConfigOption<Duration> FETCH_HOST_QUEUE_WAIT = ConfigOptions.key("fetch.host-queue-wait")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("Longest a request waits in the fetcher for its host before it is deferred (back to the frontier).");

    public static final ConfigOption<MemorySize> FETCH_MAX_BODY_BYTES_IN_FLIGHT = ConfigOptions.key("fetch.max-body-bytes-in-flight")
            .memoryType().defaultValue(MemorySize.parse("64 mb"))
            .withDescription("Response body bytes one fetcher subtask holds at once while reading; a response that does not fit "
                    + "is deferred (back to the frontier), and no body is longer, whatever a task's fetch.maxBytes.");

    public static final ConfigOption<Duration> FETCH_CONNECT_TIMEOUT = ConfigOptions.key("fetch.connect-timeout")
            .durationType().defaultValue(Duration.ofSeconds(10)).withDescription("TCP connect timeout.");

    public static final ConfigOption<Duration> FETCH_READ_TIMEOUT = ConfigOptions.key("fetch.read-timeout")
            .durationType().defaultValue(Duration.ofSeconds(20)).withDescription("Socket read timeout.");

    public static final ConfigOption<Duration> FETCH_OPERATOR_TIMEOUT = ConfigOptions.key("fetch.operator-timeout")
            .durationType().defaultValue(Duration.ofSeconds(120))
            .withDescription("Async operator timeout; a backstop above every task's fetch timeout.");

    public static final ConfigOption<Integer> SCHEDULER_RELEASES_PER_TICK = ConfigOptions.key("scheduler.releases-per-tick")
            .intType().defaultValue(50).withDescription("URLs a host may release in one timer callback when its delay is 0.");

    public static final ConfigOption<Duration> SCHEDULER_WAIT_POLL = ConfigOptions.key("scheduler.wait-poll")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("How often a host whose queued URLs all wait (disabled or unknown task) looks again.");

    public static final ConfigOption<Long> SCHEDULER_BUDGET_CHUNK = ConfigOptions.key("scheduler.budget-chunk")
            .longType().defaultValue(100L)
            .withDescription("Most pages of a task's maxPages budget one scheduler subtask reserves from etcd at a time.");

    public static final ConfigOption<Integer> FETCH_MAX_RETRIES = ConfigOptions.key("fetch.max-retries")
            .intType().defaultValue(2)
            .withDescription("How often a URL whose fetch failed transiently (no answer, 408, 429, 5xx, a broken body) is tried again before its failure is recorded.");

    public static final ConfigOption<Duration> BACKOFF_URL_RETRY_DELAY = ConfigOptions.key("backoff.url-retry-delay")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("How long a URL whose fetch failed waits before its first retry; each further retry waits twice as long (at most backoff.max-pause). Retries wait behind the host's fresh URLs.");

    public static final ConfigOption<Integer> BACKOFF_FAILURES_TO_OPEN = ConfigOptions.key("backoff.failures-to-open")
            .intType().defaultValue(3)
            .withDescription("Host-level failures (429, 503, no connection, no response head) of distinct URLs, with no success between and concurrent ones counted once, that open a host's circuit breaker.");

    public static final ConfigOption<Duration> BACKOFF_INITIAL_PAUSE = ConfigOptions.key("backoff.initial-pause")
            .durationType().defaultValue(Duration.ofSeconds(10))
            .withDescription("Pause of a host when its breaker opens; it doubles with every further failure (jittered).");

    public static final ConfigOption<Duration> BACKOFF_GIVE_UP = ConfigOptions.key("backoff.give-up")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("How long a host's breaker may stay open, from the first failure of its streak, before its queued URLs are recorded as failed and dropped.");

    public static final ConfigOption<Duration> BACKOFF_MAX_PAUSE = ConfigOptions.key("backoff.max-pause")
            .durationType().defaultValue(Duration.ofMinutes(10))
            .withDescription("Longest pause of a host with an open breaker.");

    public static final ConfigOption<Duration> BACKOFF_MAX_RETRY_AFTER = ConfigOptions.key("backoff.max-retry-after")
            .durationType().defaultValue(Duration.ofHours(1))
            .withDescription("Longest Retry-After (of a 429 or 503) honoured; a longer one is cut to this.");

    public static final ConfigOption<Duration> SCHEDULER_BUSY_PAUSE = ConfigOptions.key("scheduler.busy-pause")
            .durationType().defaultValue(Duration.ofSeconds(1))
            .withDescription("How long a host releases nothing after the fetcher deferred one of its requests.");

    public static final ConfigOption<Duration> ROBOTS_CACHE_TTL = ConfigOptions.key("robots.cache-ttl")
            .durationType().defaultValue(Duration.ofHours(24))
            .withDescription("How long a robots.txt (or its absence: a 4xx answer) is used before it is fetched again.");

    public static final ConfigOption<Duration> ROBOTS_ERROR_TTL = ConfigOptions.key("robots.error-ttl")
            .durationType().defaultValue(Duration.ofMinutes(10))
            .withDescription("How long an origin whose robots.txt was unreachable (5xx, 429, no answer) is closed before it is asked again.");

    public static final ConfigOption<Duration> ROBOTS_REQUEST_TIMEOUT = ConfigOptions.key("robots.request-timeout")
            .durationType().defaultValue(Duration.ofMinutes(3))
            .withDescription("How long a host waits for the robots.txt it asked for before asking again (the answer may be lost in a failure).");

    public static final ConfigOption<Duration> ROBOTS_UNREACHABLE_GIVE_UP = ConfigOptions.key("robots.unreachable-give-up")
            .durationType().defaultValue(Duration.ofMinutes(30))
            .withDescription("How long an origin's robots.txt may stay unreachable (5xx, 429, no answer, asked again every "
                    + "robots.error-ttl) before the origin's queued and new URLs are dropped instead of waiting, so that "
                    + "the task can become idle; a later answer makes the origin normal again.");

    public static final ConfigOption<Duration> SCHEDULER_RECRAWL_SCAN = ConfigOptions.key("scheduler.recrawl-scan")
            .durationType().defaultValue(Duration.ofMinutes(1))
            .withDescription("Shortest time between two scans of a host's URLs due for a recrawl (tasks with recrawlAfter).");

    public static final ConfigOption<Integer> PARALLELISM = ConfigOptions.key("job.parallelism")
            .intType().defaultValue(0)
            .withDescription("Parallelism of the job's operators; 0 leaves it to Flink (flink run -p, parallelism.default).");

    public static final ConfigOption<Duration> CHECKPOINT_INTERVAL = ConfigOptions.key("job.checkpoint-interval")
            .durationType().defaultValue(Duration.ofSeconds(5)).withDescription("Checkpoint interval; frontier entries are acknowledged on checkpoint.");

    public static final ConfigOption<String> JOB_NAME = ConfigOptions.key("job.name")
            .stringType().defaultValue("streamcrawl").withDescription("Name of the Flink job.");

    public static final ConfigOption<Integer> PARSE_MAX_TEXT_CHARS = ConfigOptions.key("parse.max-text-chars")
            .intType().defaultValue(100_000)
            .withDescription("The most characters of a page's visible text that are kept and hashed (SimHash).");

    public static final ConfigOption<Boolean> NEAR_DUPLICATES_ENABLED = ConfigOptions.key("near-duplicates.enabled")
            .booleanType().defaultValue(true)
            .withDescription("Whether pages get a SimHash of their text and are marked as near duplicates. Unless the text "
                    + "is kept, the parser reads a page without building its tree where it can: its links, and when this is "
                    + "on, the words of its text.");

    public static final ConfigOption<Integer> NEAR_DUPLICATES_MAX_DISTANCE = ConfigOptions.key("near-duplicates.max-distance")
            .intType().defaultValue(3)
            .withDescription("A page whose SimHash is at most this many bits from an earlier page of its host is its near duplicate (0-7).");

    public static final ConfigOption<Integer> NEAR_DUPLICATES_PAGES_PER_HOST = ConfigOptions.key("near-duplicates.pages-per-host")
            .intType().defaultValue(10_000)
            .withDescription("How many distinct pages per host are remembered for near-duplicate detection; the oldest are forgotten first.");

    public static final ConfigOption<String> OUTPUT_JSONL_PATH = ConfigOptions.key("output.jsonl.path")
            .stringType().defaultValue("")
            .withDescription("Directory (local path or Flink file system URI) of the JSON lines page files; empty for none.");

    public static final ConfigOption<Boolean> OUTPUT_JSONL_TEXT = ConfigOptions.key("output.jsonl.text")
            .booleanType().defaultValue(false).withDescription("Whether JSON lines page records carry the page's visible text.");

    public static final ConfigOption<MemorySize> OUTPUT_JSONL_ROLL_SIZE = ConfigOptions.key("output.jsonl.roll-size")
            .memoryType().defaultValue(MemorySize.parse("128 mb")).withDescription("A JSON lines file is closed once it is larger.");

    public static final ConfigOption<Duration> OUTPUT_JSONL_ROLL_INTERVAL = ConfigOptions.key("output.jsonl.roll-interval")
            .durationType().defaultValue(Duration.ofMinutes(15))
            .withDescription("A JSON lines file is closed when it is this old or has not been written to for this long.");

    public static final ConfigOption<String> OUTPUT_WARC_PATH = ConfigOptions.key("output.warc.path")
            .stringType().defaultValue("")
            .withDescription("Directory (local path or Flink file system URI) of the WARC files; empty for none.");

    public static final ConfigOption<MemorySize> OUTPUT_WARC_ROLL_SIZE = ConfigOptions.key("output.warc.roll-size")
            .memoryType().defaultValue(MemorySize.parse("1 gb")).withDescription("A WARC file is closed once it is larger.");

    public static final ConfigOption<Duration> OUTPUT_WARC_ROLL_INTERVAL = ConfigOptions.key("output.warc.roll-interval")
            .durationType().defaultValue(Duration.ofMinutes(15))
            .withDescription("A WARC file is closed when it is this old or has not been written to for this long.");

    /** Options of the Redis connector the job hands to its frontier source (their defaults live in the connector). */
    public static final List<ConfigOption<?>> REDIS_SOURCE_OPTIONS = List.of(
            RedisStreamSourceOptions.FETCH_COUNT, RedisStreamSourceOptions.FETCH_BLOCK, RedisStreamSourceOptions.ACK_BATCH_SIZE,
            RedisStreamSourceOptions.ACK_DELETE, RedisStreamSourceOptions.CLAIM_MIN_IDLE_TIME,
            RedisStreamSourceOptions.NO_CHECKPOINT_WARNING,
            RedisRetryOptions.INITIAL_BACKOFF, RedisRetryOptions.MAX_BACKOFF, RedisRetryOptions.TIMEOUT);

    /**
     * Options of the Redis connector the job hands to its sinks. Not {@code redis.sink.max-length}:
     * trimming the frontier would lose URLs; the page stream has {@code pages.max-length}.
     */
    public static final List<ConfigOption<?>> REDIS_SINK_OPTIONS = List.of(
            RedisStreamSinkOptions.BATCH_SIZE, RedisStreamSinkOptions.FLUSH_INTERVAL,
            RedisStreamSinkOptions.MAX_IN_FLIGHT_BATCHES, RedisStreamSinkOptions.MAX_BUFFERED_ENTRIES,
            RedisRetryOptions.INITIAL_BACKOFF, RedisRetryOptions.MAX_BACKOFF, RedisRetryOptions.TIMEOUT);
    public static final ConfigOption<Duration> FENCE_LEASE_TTL = ConfigOptions.key("fence.lease-ttl")
            .durationType().defaultValue(Duration.ofSeconds(15))
            .withDescription("TTL of the job fence's etcd lease: how long a crashed job still holds its crawl namespace.");

    public static final ConfigOption<Duration> FENCE_WAIT = ConfigOptions.key("fence.wait")
            .durationType().defaultValue(Duration.ZERO)
            .withDescription("How long a submission waits while another job holds the crawl namespace; 0 fails at once.");

    public static final ConfigOption<Duration> FENCE_HANDOVER_TIMEOUT = ConfigOptions.key("fence.handover-timeout")
            .durationType().defaultValue(Duration.ofMinutes(10))
            .withDescription("How long the submitting client keeps the fence it reserved alive until the job holds it"
                    + " (waiting for slots, restoring state); flink run returns once the job holds it.");

    public static final ConfigOption<Duration> WORKERS_LEASE_TTL = ConfigOptions.key("workers.lease-ttl")
            .durationType().defaultValue(Duration.ofSeconds(15))
            .withDescription("TTL of each worker's etcd lease (jobs/<crawl>/workers/...): how long a worker of a"
                    + " TaskManager that died stays listed.");

    public static final ConfigOption<Duration> WORKERS_REFRESH_INTERVAL = ConfigOptions.key("workers.refresh-interval")
            .durationType().defaultValue(Duration.ofSeconds(5))
            .withDescription("How often a worker rewrites its value (hosts held, pages/s) in etcd.");

    public static final ConfigOption<String> FRONTIER_API_HOST = ConfigOptions.key("frontier-api.host")
            .stringType().defaultValue("127.0.0.1").withDescription("Address the URLFrontier API server (scripts/frontier-api) listens on.");

    public static final ConfigOption<Integer> FRONTIER_API_PORT = ConfigOptions.key("frontier-api.port")
            .intType().defaultValue(7071).withDescription("Port of the URLFrontier API server; 0 picks a free one.");

    public static final ConfigOption<String> FRONTIER_API_TLS_CERT_FILE = ConfigOptions.key("frontier-api.tls.cert-file")
            .stringType().defaultValue("").withDescription("PEM certificate (chain) of the URLFrontier API server.");

    public static final ConfigOption<String> FRONTIER_API_TLS_KEY_FILE = ConfigOptions.key("frontier-api.tls.key-file")
            .stringType().defaultValue("").withDescription("Unencrypted PKCS#8 PEM key of frontier-api.tls.cert-file.");

    public static final ConfigOption<String> FRONTIER_API_TLS_CA_FILE = ConfigOptions.key("frontier-api.tls.ca-file")
            .stringType().defaultValue("")
            .withDescription("PEM file of the authorities whose client certificates the URLFrontier API accepts (mutual TLS).");

    public static final ConfigOption<String> FRONTIER_API_TOKEN = ConfigOptions.key("frontier-api.token")
            .stringType().defaultValue("")
            .withDescription("Token a client of the URLFrontier API may send as 'authorization: Bearer <token>' instead of"
                    + " having an allowed subject; empty for none.");

    public static final ConfigOption<String> FRONTIER_API_ALLOWED_SUBJECTS = ConfigOptions.key("frontier-api.allowed-subjects")
            .stringType().defaultValue("")
            .withDescription("Subjects of the client certificates the URLFrontier API admits, as RFC 2253 names separated"
                    + " by ';' (e.g. CN=stormcrawl,O=example); empty for none.");

    public static final ConfigOption<Boolean> FRONTIER_API_PLAINTEXT_ON_LOOPBACK = ConfigOptions.key("frontier-api.plaintext-on-loopback")
            .booleanType().defaultValue(false)
            .withDescription("Serve the URLFrontier API without TLS; refused unless frontier-api.host is a loopback address.");

    /** Every option, for validation of keys and the documentation check. */
    public static final List<ConfigOption<?>> ALL = Stream.of(List.<ConfigOption<?>>of(
            REDIS_HOST, REDIS_PORT, REDIS_USER, REDIS_PASSWORD, ETCD_ENDPOINTS, ETCD_PREFIX, ETCD_RETRY_TIMEOUT,
            ETCD_USER, ETCD_PASSWORD, ETCD_TLS_CA_FILE, ETCD_TLS_CERT_FILE, ETCD_TLS_KEY_FILE, ETCD_TLS_AUTHORITY,
            REDIS_CLUSTER_NODES, REDIS_TLS_ENABLED, REDIS_TLS_CA_CERTIFICATES, REDIS_TLS_TRUSTSTORE,
            REDIS_TLS_TRUSTSTORE_PASSWORD, REDIS_TLS_CLIENT_CERTIFICATE, REDIS_TLS_CLIENT_KEY, REDIS_TLS_KEYSTORE,
            REDIS_TLS_KEYSTORE_PASSWORD, REDIS_TLS_VERIFY_HOSTNAME,
            FRONTIER_STREAM_PREFIX, FRONTIER_SHARDS, FRONTIER_GROUP, FRONTIER_RECENT_LINKS, PAGES_STREAM, PAGES_MAX_LENGTH,
            PAGES_JOURNAL_CLOCK_SKEW,
            STATS_KEY_PREFIX, STATS_INTERVAL, STATS_REPORT_HOSTS, STATS_REPORT_MEDIA_TYPES, FETCH_ASYNC_CAPACITY, FETCH_MAX_REQUESTS_PER_HOST,
            FETCH_CONNECT_TIMEOUT, FETCH_READ_TIMEOUT, FETCH_OPERATOR_TIMEOUT, SCHEDULER_RELEASES_PER_TICK,
            SCHEDULER_WAIT_POLL, SCHEDULER_BUDGET_CHUNK, PARALLELISM, CHECKPOINT_INTERVAL, JOB_NAME,
            PARSE_MAX_TEXT_CHARS, NEAR_DUPLICATES_ENABLED, NEAR_DUPLICATES_MAX_DISTANCE, NEAR_DUPLICATES_PAGES_PER_HOST,
            OUTPUT_JSONL_PATH, OUTPUT_JSONL_TEXT, OUTPUT_JSONL_ROLL_SIZE, OUTPUT_JSONL_ROLL_INTERVAL,
            OUTPUT_WARC_PATH, OUTPUT_WARC_ROLL_SIZE, OUTPUT_WARC_ROLL_INTERVAL,
            FENCE_LEASE_TTL, FENCE_WAIT, FENCE_HANDOVER_TIMEOUT, WORKERS_LEASE_TTL, WORKERS_REFRESH_INTERVAL,
            FETCH_HOST_QUEUE_LENGTH, FETCH_HOST_QUEUE_WAIT, SCHEDULER_BUSY_PAUSE,
            ROBOTS_CACHE_TTL, ROBOTS_ERROR_TTL, ROBOTS_REQUEST_TIMEOUT, FETCH_MAX_RETRIES, BACKOFF_FAILURES_TO_OPEN,
            BACKOFF_INITIAL_PAUSE, BACKOFF_MAX_PAUSE, BACKOFF_MAX_RETRY_AFTER, BACKOFF_URL_RETRY_DELAY, BACKOFF_GIVE_UP,
            SCHEDULER_RECRAWL_SCAN,
            ROBOTS_UNREACHABLE_GIVE_UP,
            FETCH_MAX_BODY_BYTES_IN_FLIGHT, FRONTIER_API_HOST, FRONTIER_API_PORT, FRONTIER_API_TLS_CERT_FILE,
            FRONTIER_API_TLS_KEY_FILE, FRONTIER_API_TLS_CA_FILE, FRONTIER_API_TOKEN, FRONTIER_API_ALLOWED_SUBJECTS,
            FRONTIER_API_PLAINTEXT_ON_LOOPBACK), REDIS_SOURCE_OPTIONS, REDIS_SINK_OPTIONS)
            .flatMap(List::stream).distinct().toList();
}
