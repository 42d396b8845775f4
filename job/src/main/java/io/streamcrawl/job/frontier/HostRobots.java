package io.streamcrawl.job.frontier;

import io.streamcrawl.job.config.TaskSpec;
import io.streamcrawl.job.model.HostFeedback;
import io.streamcrawl.job.model.HostSignal;
import io.streamcrawl.job.url.Hosts;

import crawlercommons.robots.BaseRobotRules;

import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;

import org.apache.flink.api.common.state.MapState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The current host's robots.txt knowledge, one {@link RobotsRecord} per origin in keyed state,
 * and what it lets a task fetch: a URL waits while its origin's robots.txt is unknown (the first
 * URL to find it so asks for it) or unreachable, and is allowed or denied by the rules for the
 * task's user agent once it is known. A robots.txt that has stayed unreachable for
 * {@link RobotsSettings#unreachableGiveUp()} makes the origin's URLs be dropped until it answers
 * again. Valid only for the key the state is scoped to when called.
 */
final class HostRobots {
    private static final Logger LOG = LoggerFactory.getLogger(HostRobots.class);

    /** What may happen to a URL now. */
    enum Verdict {
        /** Fetch it, no sooner than the crawl-delay after the host's previous request. */
        ALLOWED,
        /** robots.txt disallows it: drop it. */
        DENIED,
        /** Its origin's robots.txt is awaited or unreachable: leave it queued. */
        WAIT,
        /** Its origin's robots.txt is unknown and was asked for just now: fetch {@link Admission#robotsUrl()} first. */
        FETCH_ROBOTS,
        /** Its origin's robots.txt has been unreachable for longer than the give-up time: drop it. */
        UNREACHABLE
    }

    record Admission(Verdict verdict, long crawlDelayMs, String robotsUrl) {
        static final Admission WAIT = new Admission(Verdict.WAIT, 0, null);
        static final Admission DENIED = new Admission(Verdict.DENIED, 0, null);
        static final Admission ALLOWED = new Admission(Verdict.ALLOWED, 0, null);
        static final Admission UNREACHABLE = new Admission(Verdict.UNREACHABLE, 0, null);
    }

    private final MapState<String, RobotsRecord> records;
    private final RobotsPolicy policy;

    HostRobots(MapState<String, RobotsRecord> records, RobotsPolicy policy) {
        this.records = records;
        this.policy = policy;
    }

    /**
     * What robots.txt lets the task do with a normalized URL of this host at {@code now}.
     * {@code privateAllowed} says whether the task may reach this host at a private address: a
     * robots.txt the SSRF guard refused to another task is asked for again for it, while a task
     * that may not reach the host lets its URLs go to the fetcher, which refuses each one.
     */
    Admission admit(String url, TaskSpec spec, boolean privateAllowed, long now) throws Exception {
        if (!spec.robots().obey()) {
            return Admission.ALLOWED;
        }
        String origin = Hosts.originOf(url).orElseThrow(() -> new IllegalArgumentException("no origin in " + url));
        RobotsRecord record = recordOf(origin);
        if (record.refused() && !privateAllowed && policy.current(record, now)) {
            return Admission.ALLOWED;
        }
        if (!policy.current(record, now) || record.refused()) {
            if (policy.pending(record, now)) {
                return Admission.WAIT;
            }
            records.put(origin, record.requested(now));
            return new Admission(Verdict.FETCH_ROBOTS, 0, origin + "/robots.txt");
        }
        if (record.unreachable()) {
            return policy.givenUp(record) ? Admission.UNREACHABLE : Admission.WAIT;
        }
        BaseRobotRules rules = policy.rules(origin, record, spec.fetch().userAgent());
        if (!rules.isAllowed(url)) {
            return Admission.DENIED;
        }
        long crawlDelay = RobotsPolicy.crawlDelayMs(rules, spec.politeness().maxCrawlDelayMs());
        return crawlDelay == 0 ? Admission.ALLOWED : new Admission(Verdict.ALLOWED, crawlDelay, null);
    }

    /**
     * Records the answer to a robots.txt request. A request the fetcher deferred (its host was
     * busy) is forgotten, so the next URL asks again. The answer that makes the origin's
     * robots.txt unreachable for the give-up time, and the first answer after it, are logged.
     */
    void answer(String robotsUrl, HostFeedback answer, long now) throws Exception {
        String origin = Hosts.originOf(robotsUrl).orElseThrow(() -> new IllegalArgumentException("no origin in " + robotsUrl));
        RobotsRecord previous = recordOf(origin);
        if (answer.signal() == HostSignal.BUSY) {
            records.put(origin, previous.cancelled());
            return;
        }
        RobotsRecord record = previous.answered(answer.status(), answer.body(), answer.error(), now,
                answer.signal() == HostSignal.REFUSED);
        records.put(origin, record);
        boolean wasGivenUp = policy.givenUp(previous);
        if (policy.givenUp(record) && !wasGivenUp) {
            LOG.warn("robots.txt of {} unreachable since {} ({}): dropping the origin's URLs until it answers",
                    origin, Instant.ofEpochMilli(record.unreachableSince()), describe(record));
        } else if (wasGivenUp && !record.unreachable()) {
            LOG.info("robots.txt of {} answers again ({}) after {}: crawling the origin's new URLs", origin,
                    describe(record), Duration.ofMillis(previous.unreachableForMs()));
        }
    }

    /**
     * Removes the records whose answer and request have both lapsed at {@code now} (a cache: the
     * next URL asks again, as on a new host). Returns when the last record kept lapses, 0 when
     * none is kept.
     */
    long forgetLapsed(long now) throws Exception {
        long keepUntil = 0;
        Iterator<RobotsRecord> it = records.values().iterator();
        while (it.hasNext()) {
            RobotsRecord record = it.next();
            long lapsesAt = Math.max(policy.expiresAt(record), policy.pendingUntil(record));
            if (lapsesAt <= now) {
                it.remove();
            } else {
                keepUntil = Math.max(keepUntil, lapsesAt);
            }
        }
        return keepUntil;
    }

    /** The shortest time robots.txt records are kept after the host went idle (see {@link RobotsPolicy#idleKeepMs()}). */
    long idleKeepMs() {
        return policy.idleKeepMs();
    }

    private static String describe(RobotsRecord record) {
        return record.error() != null ? record.error() : "HTTP " + record.status();
    }

    private RobotsRecord recordOf(String origin) throws Exception {
        RobotsRecord record = records.get(origin);
        return record == null ? RobotsRecord.NONE : record;
    }
}
