package io.streamcrawl.job.stats;

import io.streamcrawl.job.model.CrawledPage;
import io.streamcrawl.job.model.PageRecord;
import io.streamcrawl.job.url.Hosts;

import java.io.Serializable;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;

/**
 * What {@code crawlctl report} shows of a task's finished fetches, counted by a page counter
 * subtask into its {@link TaskCounters} under names {@code report:<counter>}, published to the hash
 * {@code <stats prefix><task>:report} (see {@link TaskStatsPublisher}): bytes, each status code,
 * each media type, each failure cause, novel and not-modified pages, the first and last fetch
 * time, and per host the fetches, bytes, status classes and failures.
 *
 * <p>Bounded per subtask and task: the first {@link Bounds#hosts} hosts the subtask counts get
 * their own counters, later ones share {@link #OTHER_HOSTS}; the first {@link Bounds#mediaTypes}
 * media types likewise share {@link #OTHER_MEDIA_TYPES}. Status codes and causes are few by nature.
 */
public final class ReportCounters {
    /** The family of the report's counters: their names start with {@code report:}. */
    public static final String FAMILY = "report";
    static final String PREFIX = FAMILY + ":";

    /** Bytes of the bodies kept (as fetched, at most the task's max bytes). */
    public static final String BYTES = "bytes";
    /** 2xx answers whose content is new to the crawl: not the same payload as their URL's last capture. */
    public static final String NOVEL = "novel";
    /** 304 answers (to a recrawl's conditional request). */
    public static final String NOT_MODIFIED = "not_modified";
    /** 2xx answers to a recrawl with the same payload as their URL's last capture. */
    public static final String IDENTICAL_PAYLOAD = "identical_payload";
    /** The earliest and the latest fetch time of the task, epoch ms ({@link TaskCounters#firstTime}, {@link TaskCounters#lastTime}). */
    public static final String FETCH = "fetch";
    /** {@code status:<code>}, 0 for a fetch without a response. */
    public static final String STATUS = "status:";
    /** {@code mime:<type>}: the media type of a response, without parameters. */
    public static final String MEDIA_TYPE = "mime:";
    /** {@code failure:<cause>}: fetches without a response by where they failed ({@link io.streamcrawl.job.model.FetchResult#failureName()}). */
    public static final String FAILURE = "failure:";
    /** {@code host:<host>:<counter>}, the counter one of {@link #HOST_COUNTERS}. */
    public static final String HOST = "host:";

    /** Fetches of a host. */
    public static final String FETCHES = "fetches";
    /** Fetches of a host without a response. */
    public static final String NO_RESPONSE = "no_response";
    /** The per-host counters: fetches, bytes, a class of statuses each, fetches without a response. */
    public static final Set<String> HOST_COUNTERS = Set.of(FETCHES, BYTES, "1xx", "2xx", "3xx", "4xx", "5xx", NO_RESPONSE);

    public static final String OTHER_HOSTS = "(other hosts)";
    public static final String OTHER_MEDIA_TYPES = "(other)";
    public static final String NO_MEDIA_TYPE = "(none)";
    static final String UNKNOWN_FAILURE = "unknown";

    /** How many hosts and media types a subtask counts one by one per task. */
    public record Bounds(int hosts, int mediaTypes) implements Serializable {}

    private final TaskCounters counters;
    private final Bounds bounds;
    private final Map<String, Set<String>> hostsOfTask = new HashMap<>();
    private final Map<String, Set<String>> mediaTypesOfTask = new HashMap<>();

    /** Counts into {@code counters}, which may hold restored values: the hosts and media types counted so far stay. */
    public ReportCounters(TaskCounters counters, Bounds bounds) {
        this.counters = counters;
        this.bounds = bounds;
        counters.view().forEach((task, values) -> values.keySet().forEach(counter -> {
            if (counter.startsWith(PREFIX + HOST)) {
                String hostAndCounter = counter.substring((PREFIX + HOST).length());
                known(hostsOfTask, task, hostAndCounter.substring(0, hostAndCounter.lastIndexOf(':')), OTHER_HOSTS);
            } else if (counter.startsWith(PREFIX + MEDIA_TYPE)) {
                known(mediaTypesOfTask, task, counter.substring((PREFIX + MEDIA_TYPE).length()), OTHER_MEDIA_TYPES);
            }
        }));
    }

    private static void known(Map<String, Set<String>> known, String task, String value, String other) {
        if (!value.equals(other)) {
            known.computeIfAbsent(task, t -> new HashSet<>()).add(value);
        }
    }

    /** The class of a status, {@code 4xx}; {@link #NO_RESPONSE} for 0. */
    public static String statusClass(int status) {
        return status <= 0 ? NO_RESPONSE : (status / 100) + "xx";
    }

    /** The media type of a Content-Type, lower case and without parameters; {@link #NO_MEDIA_TYPE} when absent. */
    static String mediaType(String contentType) {
        if (contentType == null) {
            return NO_MEDIA_TYPE;
        }
        int semicolon = contentType.indexOf(';');
        String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
        return type.isEmpty() ? NO_MEDIA_TYPE : type;
    }

    /** Counts one finished fetch. */
    public void count(CrawledPage crawled) {
        PageRecord page = crawled.record();
        String task = page.task();
        int status = page.status();
        add(task, BYTES, page.contentLength());
        add(task, STATUS + status, 1);
        if (status == 0) {
            add(task, FAILURE + (crawled.failure() == null ? UNKNOWN_FAILURE : crawled.failure()), 1);
        } else {
            add(task, MEDIA_TYPE + bounded(mediaTypesOfTask, task, mediaType(page.contentType()), bounds.mediaTypes(),
                    OTHER_MEDIA_TYPES), 1);
        }
        if (status == 304) {
            add(task, NOT_MODIFIED, 1);
        } else if (page.identicalPayload()) {
            add(task, IDENTICAL_PAYLOAD, 1);
        } else if (status >= 200 && status < 300) {
            add(task, NOVEL, 1);
        }
        fetchedAt(page).ifPresent(time -> {
            counters.time(task, PREFIX + TaskCounters.firstTime(FETCH), time);
            counters.time(task, PREFIX + TaskCounters.lastTime(FETCH), time);
        });
        String host = bounded(hostsOfTask, task, Hosts.hostOf(page.pageUrl()).orElse(OTHER_HOSTS), bounds.hosts(), OTHER_HOSTS);
        add(task, HOST + host + ":" + FETCHES, 1);
        add(task, HOST + host + ":" + BYTES, page.contentLength());
        add(task, HOST + host + ":" + statusClass(status), 1);
    }

    private void add(String task, String counter, long delta) {
        counters.add(task, PREFIX + counter, delta);
    }

    /** {@code value} if it is counted one by one (or there is room for it), else {@code other}. */
    private static String bounded(Map<String, Set<String>> known, String task, String value, int bound, String other) {
        Set<String> values = known.computeIfAbsent(task, t -> new HashSet<>());
        if (values.contains(value) || values.size() < bound) {
            values.add(value);
            return value;
        }
        return other;
    }

    private static OptionalLong fetchedAt(PageRecord page) {
        try {
            return page.fetchedAt() == null ? OptionalLong.empty()
                    : OptionalLong.of(Instant.parse(page.fetchedAt()).toEpochMilli());
        } catch (DateTimeParseException e) {
            return OptionalLong.empty();
        }
    }
}
