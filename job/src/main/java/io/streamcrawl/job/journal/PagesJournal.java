package io.streamcrawl.job.journal;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.RedisRetryOptions;
import io.streamcrawl.job.config.CrawlerOptions;
import io.streamcrawl.job.model.RecordedOutcome;
import io.streamcrawl.job.output.OutputFiles;
import io.streamcrawl.job.url.Hosts;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.util.Preconditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

/**
 * The pages stream read as the crawl's fetch journal. The one sink that writes a page's record
 * writes the frontier entries the page yields first ({@code redis.sink.journal-stream}), so a
 * record in the stream means the page's outcome and links are durable: after a restore, a page
 * recorded since the restored checkpoint need not be fetched again. A restored fetcher subtask
 * reads the records from the checkpoint's time ({@link RestoreWindow}) and keeps those of its own
 * hosts ({@link HostOwnership}); a fetch that was in flight at the failure left no record and is
 * fetched again. Reading costs one XRANGE round trip per {@value #PAGE_SIZE} records of the
 * window (about a checkpoint interval of pages, plus the clock-skew margin), so it needs no bound
 * of its own; the records kept are as many, in memory until their page is released again. The
 * stream must keep that window: a {@code pages.max-length} under a checkpoint interval of pages
 * trims records the journal needs, and their pages are fetched again.
 *
 * <p>Off when the job writes output files: their sinks commit with the checkpoint, so the pages
 * fetched since then must be fetched again to be in the files.
 */
public final class PagesJournal implements Serializable {
    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(PagesJournal.class);
    static final int PAGE_SIZE = 1000;

    private final RedisConnectionConfig redis;
    private final String stream;
    private final Duration clockSkew;
    private final Duration retryTimeout;
    private final Duration maxBackoff;

    private PagesJournal(RedisConnectionConfig redis, String stream, Duration clockSkew, Duration retryTimeout,
            Duration maxBackoff) {
        this.redis = redis;
        this.stream = stream;
        this.clockSkew = clockSkew;
        this.retryTimeout = retryTimeout;
        this.maxBackoff = maxBackoff;
    }

    /**
     * The journal of {@code stream}, read from each restored checkpoint's time less {@code
     * clockSkew}; an unreachable Redis is tried again, waiting up to {@code maxBackoff} between
     * tries, for up to {@code retryTimeout}.
     */
    public static PagesJournal of(RedisConnectionConfig redis, String stream, Duration clockSkew, Duration retryTimeout,
            Duration maxBackoff) {
        Preconditions.checkNotNull(redis, "redis");
        Preconditions.checkNotNull(stream, "stream");
        Preconditions.checkArgument(!clockSkew.isNegative(), "clock skew must not be negative, was %s", clockSkew);
        Preconditions.checkArgument(maxBackoff.toMillis() > 0, "max back-off must be positive, was %s", maxBackoff);
        return new PagesJournal(redis, stream, clockSkew, retryTimeout, maxBackoff);
    }

    /**
     * The job's journal: the pages stream with {@code pages.journal-clock-skew}, or none when the job
     * writes output files (see the class comment).
     */
    public static PagesJournal of(Configuration config, RedisConnectionConfig redis) {
        if (OutputFiles.writesFiles(config)) {
            return off();
        }
        return of(redis, config.get(CrawlerOptions.PAGES_STREAM), config.get(CrawlerOptions.PAGES_JOURNAL_CLOCK_SKEW),
                config.get(RedisRetryOptions.TIMEOUT), config.get(RedisRetryOptions.MAX_BACKOFF));
    }

    /** No journal: every release is fetched. */
    public static PagesJournal off() {
        return new PagesJournal(null, null, Duration.ZERO, Duration.ZERO, Duration.ofSeconds(1));
    }

    /**
     * The pages of the hosts {@code owned} recorded since the restored checkpoint, or none on a
     * fresh start, without a journal, or when Redis cannot be read within the retry timeout (then
     * they are fetched again, as without a journal, and a warning says so). Blocks while it reads
     * or waits for Redis.
     */
    public RecordedPages recordedSince(RestoreWindow window, Predicate<String> owned, String subtask)
            throws InterruptedException {
        if (stream == null || window.start(clockSkew).isEmpty()) {
            return new RecordedPages();
        }
        long from = window.start(clockSkew).getAsLong();
        long started = System.nanoTime();
        long deadline = started + retryTimeout.toNanos();
        long backoffMs = 100;
        RecordedPages pages;
        while (true) {
            pages = new RecordedPages();
            try (UnifiedJedis client = redis.createClient("streamcrawl-journal")) {
                read(client, from, owned, pages);
                break;
            } catch (RuntimeException e) {
                if (System.nanoTime() + backoffMs * 1_000_000 > deadline) {
                    LOG.warn("{}: cannot read the pages stream {} since {} ({}); the pages fetched since the restored"
                            + " checkpoint are fetched again", subtask, stream, from, e.toString());
                    return new RecordedPages();
                }
                LOG.info("{}: cannot read the pages stream {} yet ({}); trying again in {} ms", subtask, stream,
                        e.toString(), backoffMs);
                Thread.sleep(backoffMs);
                backoffMs = Math.min(backoffMs * 2, maxBackoff.toMillis());
            }
        }
        LOG.info("{}: {} pages recorded in {} since {} (the restored checkpoint less {}), read in {} ms", subtask,
                pages.size(), stream, from, clockSkew, (System.nanoTime() - started) / 1_000_000);
        return pages;
    }

    private void read(UnifiedJedis client, long fromMillis, Predicate<String> owned, RecordedPages pages) {
        StreamEntryID start = new StreamEntryID(Math.max(0, fromMillis), 0);
        while (true) {
            List<StreamEntry> entries = client.xrange(stream, start, (StreamEntryID) null, PAGE_SIZE);
            for (StreamEntry entry : entries) {
                add(entry.getFields(), owned, pages);
            }
            if (entries.size() < PAGE_SIZE) {
                return;
            }
            StreamEntryID last = entries.get(entries.size() - 1).getID();
            start = new StreamEntryID(last.getTime(), last.getSequence() + 1);
        }
    }

    /** Keeps a record of an owned host; one without url or task (not the job's) is passed over. */
    static void add(Map<String, String> record, Predicate<String> owned, RecordedPages pages) {
        String url = record.get("url");
        String task = record.get("task");
        if (url == null || task == null || !owned.test(Hosts.hostOf(url).orElse(""))) {
            return;
        }
        pages.add(task, url, new RecordedOutcome(parseStatus(record.get("status")), record.get("error")));
    }

    private static int parseStatus(String status) {
        try {
            return status == null ? 0 : Integer.parseInt(status);
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}
