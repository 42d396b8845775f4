package io.streamcrawl.job.stats;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.Tuple;

/**
 * The hosts of one scheduler subtask whose circuit breaker is open, per task, for
 * {@code crawlctl status}: changed by the task thread as breakers open, step and close, and
 * written to Redis by the subtask's {@link TaskStatsPublisher} as the sorted set
 * {@code <prefix><task>:backing-off} (member: the host; score: until when it pauses, epoch ms).
 * Hosts are keyed to one subtask, so subtasks never write the same member. Not kept in state:
 * after a restore a host shows again at its next failure, and an entry whose time has passed
 * (a host that closed meanwhile, or was given up) means nothing to a reader.
 */
public final class HostsBackingOff {
    private static final long CLOSED = -1;

    private record TaskHost(String task, String host) {}

    /** The latest change of each task's host since the last flush: until when it pauses, or CLOSED. */
    private final Map<TaskHost, Long> changes = new ConcurrentHashMap<>();

    /** The host's breaker is open for the task's URLs; it pauses until {@code until} (epoch ms). */
    public void pausedUntil(String task, String host, long until) {
        changes.put(new TaskHost(task, host), until);
    }

    /** The host answers again, or is given up: it no longer backs off for the task. */
    public void ended(String task, String host) {
        changes.put(new TaskHost(task, host), CLOSED);
    }

    /** The Redis key of a task's hosts backing off. */
    public static String keyOf(String keyPrefix, String task) {
        return keyPrefix + task + ":backing-off";
    }

    /** Writes the changes since the last flush into {@code pipeline}. */
    void flush(AbstractPipeline pipeline, String keyPrefix) {
        for (TaskHost key : List.copyOf(changes.keySet())) {
            Long until = changes.remove(key);
            if (until == null) {
                continue;
            }
            if (until == CLOSED) {
                pipeline.zrem(keyOf(keyPrefix, key.task()), key.host());
            } else {
                pipeline.zadd(keyOf(keyPrefix, key.task()), until, key.host());
            }
        }
    }

    /** A host backing off and until when (epoch ms). */
    public record Pause(String host, long until) {}

    /** How many of a task's hosts back off at {@code now}, and the {@code limit} that do longest. */
    public record Summary(long hosts, List<Pause> longest) {}

    /** Until when each of {@code hosts} that backs off at {@code now} pauses. */
    public static Map<String, Instant> pausesOf(UnifiedJedis redis, String keyPrefix, String task, Collection<String> hosts, long now) {
        Map<String, Instant> pauses = new HashMap<>();
        if (hosts.isEmpty()) {
            return pauses;
        }
        List<String> members = List.copyOf(hosts);
        List<Double> scores = redis.zmscore(keyOf(keyPrefix, task), members.toArray(String[]::new));
        for (int i = 0; i < members.size(); i++) {
            Double until = scores.get(i);
            if (until != null && until > now) {
                pauses.put(members.get(i), Instant.ofEpochMilli(until.longValue()));
            }
        }
        return pauses;
    }

    /** Reads a task's hosts backing off at {@code now}. */
    public static Summary read(UnifiedJedis redis, String keyPrefix, String task, long now, int limit) {
        String key = keyOf(keyPrefix, task);
        long hosts = redis.zcount(key, "(" + now, "+inf");
        List<Pause> longest = new ArrayList<>();
        for (Tuple tuple : redis.zrevrangeByScoreWithScores(key, "+inf", "(" + now, 0, limit)) {
            longest.add(new Pause(tuple.getElement(), (long) tuple.getScore()));
        }
        return new Summary(hosts, longest);
    }
}
