package io.streamcrawl.job.frontier;

import crawlercommons.robots.BaseRobotRules;
import crawlercommons.robots.SimpleRobotRules;
import crawlercommons.robots.SimpleRobotRules.RobotRulesMode;
import crawlercommons.robots.SimpleRobotRulesParser;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a {@link RobotsRecord} as RFC 9309 says, with crawler-commons: a 2xx body is parsed for
 * the task's user-agent product token, a 4xx means no rules, and an unreachable robots.txt (5xx,
 * 429, no answer) closes the origin until the record expires; one that has stayed unreachable
 * for the give-up time makes its origin's URLs be dropped instead of waiting. Parsed rules are
 * cached per origin, answer and token in a bounded map (transient: after a restore they are
 * parsed again from the keyed state). Not thread-safe: one per operator instance.
 */
final class RobotsPolicy {
    private static final Logger LOG = LoggerFactory.getLogger(RobotsPolicy.class);
    /** RFC 9309: crawlers must parse at least the first 500 KiB of a robots.txt. */
    static final long MAX_BYTES = 500 * 1024;
    private static final int MAX_CACHED_RULES = 10_000;
    private static final int MAX_PARSER_WARNINGS = 5;
    private static final BaseRobotRules ALLOW_ALL = new SimpleRobotRules(RobotRulesMode.ALLOW_ALL);
    private static final Pattern PRODUCT_TOKEN = Pattern.compile("^\\s*([A-Za-z_-]+)");

    private final RobotsSettings settings;
    // The crawl-delay is capped per task, so the parser must not turn a long one into "disallow all".
    private final SimpleRobotRulesParser parser = new SimpleRobotRulesParser(Long.MAX_VALUE, MAX_PARSER_WARNINGS);
    private final Map<RulesKey, BaseRobotRules> cache = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<RulesKey, BaseRobotRules> eldest) {
            return size() > MAX_CACHED_RULES;
        }
    };

    RobotsPolicy(RobotsSettings settings) {
        this.settings = settings;
    }

    /** Whether the record holds an answer that may still be used at {@code now}. */
    boolean current(RobotsRecord record, long now) {
        return now < expiresAt(record);
    }

    /** When the record's answer may no longer be used (0 when it holds none). */
    long expiresAt(RobotsRecord record) {
        if (!record.answered()) {
            return 0;
        }
        long ttl = (record.unreachable() || record.refused() ? settings.errorTtl() : settings.cacheTtl()).toMillis();
        return record.fetchedAt() + ttl;
    }

    /**
     * Whether the origin's robots.txt had been unreachable for at least the give-up time at its
     * last answer. Judged at answers, not at every look, so that it changes only when the record
     * does (the scheduler logs the change once).
     */
    boolean givenUp(RobotsRecord record) {
        return record.unreachable() && record.unreachableForMs() >= settings.unreachableGiveUp().toMillis();
    }

    /** Whether a request for the robots.txt is out and may still be answered. */
    boolean pending(RobotsRecord record, long now) {
        return now < pendingUntil(record);
    }

    /** Until when the record's request may still be answered (0 when none is out). */
    long pendingUntil(RobotsRecord record) {
        return record.requestedAt() > 0 ? record.requestedAt() + settings.requestTimeout().toMillis() : 0;
    }

    /**
     * The shortest time a host's robots.txt knowledge is kept after the host went idle: the cache
     * TTL, so that a host that is quiet for less than that does not ask again.
     */
    long idleKeepMs() {
        return settings.cacheTtl().toMillis();
    }

    /** The rules of a current, reachable record for a user agent. */
    BaseRobotRules rules(String origin, RobotsRecord record, String userAgent) {
        if (record.unavailable()) {
            return ALLOW_ALL;
        }
        String token = agentToken(userAgent);
        return cache.computeIfAbsent(new RulesKey(origin, record.fetchedAt(), token), key -> parse(origin, record, token));
    }

    private BaseRobotRules parse(String origin, RobotsRecord record, String token) {
        byte[] body = record.body() == null ? new byte[0] : record.body().getBytes(StandardCharsets.UTF_8);
        try {
            return parser.parseContent(origin + "/robots.txt", body, "text/plain", token.isEmpty() ? List.of() : List.of(token));
        } catch (RuntimeException e) {
            // crawler-commons reads any text; should it ever fail, the file counts as one without rules.
            LOG.warn("Cannot parse the robots.txt of {}, treating it as empty: {}", origin, e.toString());
            return ALLOW_ALL;
        }
    }

    /** The crawl-delay the rules ask for, at most {@code maxMs}; 0 when they ask for none. */
    static long crawlDelayMs(BaseRobotRules rules, long maxMs) {
        long delay = rules.getCrawlDelay();
        return delay == BaseRobotRules.UNSET_CRAWL_DELAY || delay < 0 ? 0 : Math.min(delay, maxMs);
    }

    /**
     * The product token robots.txt groups are matched against (RFC 9309): the user agent's first
     * word of letters, '_' and '-', lower-cased ({@code streamcrawl/0.1 (+https://...)} gives
     * {@code streamcrawl}). Empty when the user agent has none: then only the {@code *} group applies.
     */
    static String agentToken(String userAgent) {
        Matcher matcher = PRODUCT_TOKEN.matcher(userAgent == null ? "" : userAgent);
        return matcher.find() ? matcher.group(1).toLowerCase(Locale.ROOT) : "";
    }

    private record RulesKey(String origin, long fetchedAt, String token) {}
}
