package io.streamcrawl.job.cli;

import io.streamcrawl.job.stats.TaskCounters;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.IntStream;
import java.util.stream.LongStream;

import org.apache.flink.configuration.Configuration;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.resps.StreamGroupInfo;

import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_GROUP;
import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_SHARDS;
import static io.streamcrawl.job.config.CrawlerOptions.FRONTIER_STREAM_PREFIX;
import static io.streamcrawl.job.config.CrawlerOptions.STATS_KEY_PREFIX;

/**
 * A task's progress as the job publishes it ({@code <stats prefix><task>}: per-subtask counters)
 * and the frontier's backlog, read from Redis. The counters are those of a completed checkpoint
 * (see {@link TaskCounters}); {@link #read} takes them when every scheduler's are of a checkpoint
 * no older than every page counter's, so that in flight is never negative.
 *
 * @param queued URLs waiting in the schedulers' queues
 * @param inFlight URLs released to the fetchers and not finished yet (retried and deferred ones
 *     included until they are queued again)
 * @param unread frontier streams whose newest entry the job has not read
 * @param pending frontier entries read but not yet covered by a completed checkpoint
 */
public record CrawlProgress(long queued, long inFlight, long pages, long errors, int unread, long pending) {
    private static final int SETTLE_ATTEMPTS = 40;
    private static final Duration SETTLE_PAUSE = Duration.ofMillis(50);

    /**
     * Nothing queued, in flight, unread or unacknowledged: the task can make no more progress. In
     * flight below zero (a fetch counted finished twice, which a restore must not cause: see
     * docs/failures.md) counts as none, so that such a count cannot keep a wait going forever.
     */
    public boolean idle() {
        return queued == 0 && inFlight <= 0 && unread == 0 && pending == 0;
    }

    /** A task's progress on the streams and stats keys the job's configuration names. */
    public static CrawlProgress read(UnifiedJedis redis, Configuration config, String task) {
        String prefix = config.get(FRONTIER_STREAM_PREFIX);
        List<String> streams = IntStream.range(0, config.get(FRONTIER_SHARDS)).mapToObj(i -> prefix + i).toList();
        return read(redis, config.get(STATS_KEY_PREFIX) + task, streams, config.get(FRONTIER_GROUP));
    }

    public static CrawlProgress read(UnifiedJedis redis, String statsKey, List<String> frontierStreams, String group) {
        Map<String, String> stats = redis.hgetAll(statsKey);
        // Operators learn of a completed checkpoint one after the other: wait out the moment between.
        for (int attempt = 0; attempt < SETTLE_ATTEMPTS && !ofOneCheckpoint(stats); attempt++) {
            sleep(SETTLE_PAUSE);
            stats = redis.hgetAll(statsKey);
        }
        long done = sum(stats, TaskCounters.DONE);
        long released = sum(stats, TaskCounters.RELEASED);
        int unread = 0;
        long pending = 0;
        for (String stream : frontierStreams) {
            if (!redis.exists(stream)) {
                continue;
            }
            StreamEntryID last = redis.xinfoStream(stream).getLastGeneratedId();
            StreamGroupInfo info = redis.xinfoGroups(stream).stream()
                    .filter(g -> g.getName().equals(group)).findFirst().orElse(null);
            if (info == null) {
                unread += redis.xlen(stream) > 0 ? 1 : 0;
                continue;
            }
            if (info.getLastDeliveredId().compareTo(last) < 0) {
                unread++;
            }
            pending += info.getPending();
        }
        return new CrawlProgress(sum(stats, TaskCounters.QUEUED), released - done, sum(stats, TaskCounters.PAGES),
                sum(stats, TaskCounters.ERRORS) + sum(stats, TaskCounters.GIVEN_UP), unread, pending);
    }

    /** Whether the released counts are of checkpoints no older than those of the done counts. */
    static boolean ofOneCheckpoint(Map<String, String> stats) {
        OptionalLong oldestReleased = values(stats, TaskCounters.checkpointOf(TaskCounters.RELEASED)).min();
        OptionalLong newestDone = values(stats, TaskCounters.checkpointOf(TaskCounters.DONE)).max();
        return oldestReleased.isEmpty() || newestDone.isEmpty() || oldestReleased.getAsLong() >= newestDone.getAsLong();
    }

    private static void sleep(Duration pause) {
        try {
            Thread.sleep(pause.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The sum of a counter's fields {@code <counter>.<subtask>} over subtasks. */
    private static long sum(Map<String, String> stats, String counter) {
        return values(stats, counter).sum();
    }

    private static LongStream values(Map<String, String> stats, String counter) {
        String prefix = counter + ".";
        return stats.entrySet().stream()
                .filter(e -> e.getKey().startsWith(prefix))
                .mapToLong(e -> Long.parseLong(e.getValue()));
    }
}
