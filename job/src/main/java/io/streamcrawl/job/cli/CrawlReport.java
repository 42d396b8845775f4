package io.streamcrawl.job.cli;

import io.streamcrawl.job.stats.HostsBackingOff;
import io.streamcrawl.job.stats.ReportCounters;
import io.streamcrawl.job.stats.TaskCounters;
import io.streamcrawl.job.stats.TaskStatsPublisher;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import redis.clients.jedis.UnifiedJedis;

/**
 * A task's crawl report ({@code crawlctl report}), summed over subtasks from what the job publishes:
 * the page counters' report hash ({@link ReportCounters}), the task's counters and its hosts backing
 * off. Each subtask's values are those of its last completed checkpoint, so a running crawl's
 * report trails it by up to a checkpoint interval.
 *
 * @param fetches finished fetches, with or without a response
 * @param pages fetches with a 2xx or 3xx response
 * @param errors fetches without a response or with a 4xx or 5xx one
 * @param statusClasses {@code 1xx} ... {@code 5xx}, {@code no_response}: fetches by class
 * @param statuses fetches by status code, most first
 * @param mediaTypes responses by media type, most first
 * @param failures fetches without a response by where they failed, most first; {@code given_up}: URLs
 *     dropped unfetched because their host stayed unreachable
 * @param hostsBackingOff how many hosts have their breaker open now
 * @param longestPauses the {@value #LONGEST_PAUSES} of them that pause longest, and until when
 * @param hosts per host, most fetches first (bounded by the job: see {@link ReportCounters})
 */
public record CrawlReport(String task, long fetches, long pages, long errors, long bytes, Map<String, Long> statusClasses,
        Map<String, Long> statuses, Map<String, Long> mediaTypes, long novel, long notModified, long identicalPayload,
        Map<String, Long> failures, long robotsDisallowed, long hostsBackingOff, List<HostsBackingOff.Pause> longestPauses,
        Instant firstFetch, Instant lastFetch, List<HostReport> hosts) {
    /** How many statuses the text names. */
    static final int TOP_STATUSES = 5;
    /** How many of the hosts backing off the report names. */
    static final int LONGEST_PAUSES = 10;
    private static final List<String> CLASSES = List.of("1xx", "2xx", "3xx", "4xx", "5xx", ReportCounters.NO_RESPONSE);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** One host's line: fetches, bytes and fetches by status class; {@code backingOffUntil} null when it is not. */
    public record HostReport(String host, long fetches, long bytes, Map<String, Long> statusClasses, Instant backingOffUntil) {}

    /** Reads the report of {@code task} from the hashes under {@code keyPrefix}; {@code now} decides who backs off. */
    public static CrawlReport read(UnifiedJedis redis, String keyPrefix, String task, long now) {
        Map<String, List<Long>> counters = bySubtask(redis.hgetAll(keyPrefix + task));
        Map<String, List<Long>> report = bySubtask(redis.hgetAll(TaskStatsPublisher.reportKeyOf(keyPrefix, task)));
        HostsBackingOff.Summary backingOff = HostsBackingOff.read(redis, keyPrefix, task, now, LONGEST_PAUSES);

        Map<String, Long> statuses = new HashMap<>();
        Map<String, Long> mediaTypes = new HashMap<>();
        Map<String, Long> failures = new HashMap<>();
        Map<String, Map<String, Long>> hostCounters = new TreeMap<>();
        report.forEach((counter, values) -> {
            long sum = values.stream().mapToLong(Long::longValue).sum();
            if (counter.startsWith(ReportCounters.STATUS)) {
                statuses.merge(counter.substring(ReportCounters.STATUS.length()), sum, Long::sum);
            } else if (counter.startsWith(ReportCounters.MEDIA_TYPE)) {
                mediaTypes.merge(counter.substring(ReportCounters.MEDIA_TYPE.length()), sum, Long::sum);
            } else if (counter.startsWith(ReportCounters.FAILURE)) {
                failures.merge(counter.substring(ReportCounters.FAILURE.length()), sum, Long::sum);
            } else if (counter.startsWith(ReportCounters.HOST)) {
                String hostAndCounter = counter.substring(ReportCounters.HOST.length());
                int colon = hostAndCounter.lastIndexOf(':');
                hostCounters.computeIfAbsent(hostAndCounter.substring(0, colon), h -> new HashMap<>())
                        .merge(hostAndCounter.substring(colon + 1), sum, Long::sum);
            }
        });
        long givenUp = sum(counters, TaskCounters.GIVEN_UP);
        if (givenUp > 0) {
            failures.put(TaskCounters.GIVEN_UP, givenUp);
        }
        Map<String, Long> classes = zeroClasses();
        statuses.forEach((status, count) -> classes.merge(ReportCounters.statusClass(Integer.parseInt(status)), count, Long::sum));
        Map<String, Instant> pauses = HostsBackingOff.pausesOf(redis, keyPrefix, task, hostCounters.keySet(), now);
        List<HostReport> hosts = new ArrayList<>();
        hostCounters.forEach((host, values) -> {
            Map<String, Long> hostClasses = zeroClasses();
            CLASSES.forEach(c -> hostClasses.put(c, values.getOrDefault(c, 0L)));
            hosts.add(new HostReport(host, values.getOrDefault(ReportCounters.FETCHES, 0L),
                    values.getOrDefault(ReportCounters.BYTES, 0L), hostClasses, pauses.get(host)));
        });
        hosts.sort(Comparator.comparingLong(HostReport::fetches).reversed().thenComparing(HostReport::host));
        long first = report.getOrDefault(TaskCounters.firstTime(ReportCounters.FETCH), List.of()).stream()
                .filter(t -> t > 0).mapToLong(Long::longValue).min().orElse(0);
        long last = report.getOrDefault(TaskCounters.lastTime(ReportCounters.FETCH), List.of()).stream()
                .mapToLong(Long::longValue).max().orElse(0);
        return new CrawlReport(task, sum(counters, TaskCounters.DONE), sum(counters, TaskCounters.PAGES),
                sum(counters, TaskCounters.ERRORS) + givenUp, sum(report, ReportCounters.BYTES), classes, mostFirst(statuses),
                mostFirst(mediaTypes), sum(report, ReportCounters.NOVEL), sum(report, ReportCounters.NOT_MODIFIED),
                sum(report, ReportCounters.IDENTICAL_PAYLOAD), mostFirst(failures),
                sum(counters, TaskCounters.ROBOTS_DISALLOWED), backingOff.hosts(), backingOff.longest(),
                first == 0 ? null : Instant.ofEpochMilli(first), last == 0 ? null : Instant.ofEpochMilli(last), hosts);
    }

    /** Seconds from the first fetch to the last. */
    public double seconds() {
        return firstFetch == null ? 0 : (lastFetch.toEpochMilli() - firstFetch.toEpochMilli()) / 1000.0;
    }

    /** Fetches per second over the crawl's life, from its first fetch to its last; 0 before a second fetch. */
    public double pagesPerSecond() {
        return seconds() > 0 ? fetches / seconds() : 0;
    }

    /** The report for people, one topic per line, then a line per host. */
    public String text() {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "report task=%s fetches=%d pages=%d errors=%d bytes=%d robots_disallowed=%d",
                task, fetches, pages, errors, bytes, robotsDisallowed));
        lines.add("statuses: " + pairs(statusClasses));
        lines.add("top_statuses: " + pairs(statuses.entrySet().stream().limit(TOP_STATUSES)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new))));
        lines.add("media_types: " + pairs(mediaTypes));
        lines.add(String.format(Locale.ROOT, "novel=%d not_modified=%d identical_payload=%d", novel, notModified,
                identicalPayload));
        lines.add("failures: " + pairs(failures));
        lines.add("backing_off_hosts=" + hostsBackingOff + (longestPauses.isEmpty() ? "" : " longest: " + longestPauses.stream()
                .map(pause -> pause.host() + " until " + Instant.ofEpochMilli(pause.until())).collect(Collectors.joining(", "))));
        lines.add(String.format(Locale.ROOT, "life: first_fetch=%s last_fetch=%s seconds=%.1f pages_per_s=%.1f",
                firstFetch == null ? "-" : firstFetch, lastFetch == null ? "-" : lastFetch, seconds(), pagesPerSecond()));
        lines.add("hosts: " + hosts.size() + (hosts.isEmpty() ? "" : ", most fetches first"));
        for (HostReport host : hosts) {
            lines.add(String.format(Locale.ROOT, "  %s fetches=%d bytes=%d %s%s", host.host(), host.fetches(), host.bytes(),
                    pairs(host.statusClasses()), host.backingOffUntil() == null ? "" : " backing_off_until=" + host.backingOffUntil()));
        }
        return String.join("\n", lines);
    }

    /** The report as one JSON object, with the same names as the text. */
    public String json() {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("task", task);
        json.put("fetches", fetches);
        json.put("pages", pages);
        json.put("errors", errors);
        json.put("bytes", bytes);
        json.put("robots_disallowed", robotsDisallowed);
        json.put("statuses", statusClasses);
        json.put("top_statuses", statuses);
        json.put("media_types", mediaTypes);
        json.put("novel", novel);
        json.put("not_modified", notModified);
        json.put("identical_payload", identicalPayload);
        json.put("failures", failures);
        json.put("backing_off_hosts", hostsBackingOff);
        List<Map<String, Object>> longest = new ArrayList<>();
        longestPauses.forEach(pause -> longest.add(entry("host", pause.host(), "until", Instant.ofEpochMilli(pause.until()).toString())));
        json.put("longest_pauses", longest);
        json.put("first_fetch", firstFetch == null ? null : firstFetch.toString());
        json.put("last_fetch", lastFetch == null ? null : lastFetch.toString());
        json.put("seconds", seconds());
        json.put("pages_per_s", pagesPerSecond());
        List<Map<String, Object>> hostList = new ArrayList<>();
        for (HostReport host : hosts) {
            Map<String, Object> line = entry("host", host.host(), "fetches", host.fetches());
            line.put("bytes", host.bytes());
            line.put("statuses", host.statusClasses());
            line.put("backing_off_until", host.backingOffUntil() == null ? null : host.backingOffUntil().toString());
            hostList.add(line);
        }
        json.put("hosts", hostList);
        try {
            return JSON.writeValueAsString(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write the report of " + task + " as JSON", e);
        }
    }

    private static Map<String, Object> entry(String k1, Object v1, String k2, Object v2) {
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put(k1, v1);
        entry.put(k2, v2);
        return entry;
    }

    private static Map<String, Long> zeroClasses() {
        Map<String, Long> classes = new LinkedHashMap<>();
        CLASSES.forEach(c -> classes.put(c, 0L));
        return classes;
    }

    /** The values, most first, then by name. */
    private static Map<String, Long> mostFirst(Map<String, Long> counts) {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue().reversed().thenComparing(Map.Entry.comparingByKey()))
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, b) -> a, LinkedHashMap::new));
    }

    private static String pairs(Map<String, Long> counts) {
        return counts.isEmpty() ? "-" : counts.entrySet().stream()
                .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" "));
    }

    /** A hash's fields {@code <counter>.<subtask>} as counter -> the subtasks' values. */
    private static Map<String, List<Long>> bySubtask(Map<String, String> hash) {
        Map<String, List<Long>> counters = new HashMap<>();
        hash.forEach((field, value) -> {
            int dot = field.lastIndexOf('.');
            if (dot > 0) {
                counters.computeIfAbsent(field.substring(0, dot), c -> new ArrayList<>()).add(Long.parseLong(value));
            }
        });
        return counters;
    }

    private static long sum(Map<String, List<Long>> counters, String counter) {
        return counters.getOrDefault(counter, List.of()).stream().mapToLong(Long::longValue).sum();
    }
}
