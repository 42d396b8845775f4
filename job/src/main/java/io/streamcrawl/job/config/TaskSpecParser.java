package io.streamcrawl.job.config;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.CoercionAction;
import com.fasterxml.jackson.databind.cfg.CoercionInputShape;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.type.LogicalType;

import io.streamcrawl.job.url.UrlNormalizer;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Parses and validates a {@link TaskSpec} from its JSON. The outcome is a result, never an
 * exception: a rejected spec carries the reason the job writes to the task's status key.
 */
public final class TaskSpecParser {
    private static final ObjectMapper JSON = strictMapper();

    private TaskSpecParser() {}

    /** Numbers of the spec are JSON integers: Jackson would otherwise cut 1.5 to 1 and read "5" as 5. */
    private static ObjectMapper strictMapper() {
        ObjectMapper mapper = new ObjectMapper()
                .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
                .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
                .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT);
        mapper.coercionConfigFor(LogicalType.Integer).setCoercion(CoercionInputShape.String, CoercionAction.Fail);
        return mapper;
    }

    /** A spec, or the reason it was rejected. */
    public record Result(TaskSpec spec, String rejection) {
        public boolean accepted() {
            return spec != null;
        }
    }

    public static Result parse(String json) {
        TaskSpec spec;
        try {
            spec = JSON.readValue(json, TaskSpec.class);
        } catch (UnrecognizedPropertyException e) {
            String parent = path(e.getPath().subList(0, Math.max(0, e.getPath().size() - 1)));
            return rejected("unknown field '" + e.getPropertyName() + "'" + (parent.isEmpty() ? "" : " in " + parent));
        } catch (MismatchedInputException e) {
            return rejected(path(e.getPath()) + ": " + expected(e.getTargetType()));
        } catch (JsonProcessingException e) {
            return rejected("invalid JSON: " + e.getOriginalMessage());
        }
        if (spec == null) {
            return rejected("empty spec");
        }
        List<String> problems = problems(spec);
        return problems.isEmpty() ? new Result(spec, null) : rejected(String.join("; ", problems));
    }

    public static String toJson(TaskSpec spec) {
        try {
            return JSON.writeValueAsString(spec);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a task spec as JSON", e);
        }
    }

    private static List<String> problems(TaskSpec spec) {
        List<String> problems = new ArrayList<>();
        if (spec.seeds().isEmpty()) {
            problems.add("seeds: at least one seed URL is required");
        }
        for (String seed : spec.seeds()) {
            if (seed == null || UrlNormalizer.normalize(seed).isEmpty()) {
                problems.add("seeds: '" + seed + "' is not an http(s) URL");
            }
        }
        nonNegative(problems, "maxDepth", spec.maxDepth());
        nonNegative(problems, "maxPages", spec.maxPages());
        nonNegative(problems, "maxPagesPerHost", spec.maxPagesPerHost());
        nonNegative(problems, "maxUrlLength", spec.maxUrlLength());
        nonNegative(problems, "politeness.delayMs", spec.politeness().delayMs());
        nonNegative(problems, "politeness.maxCrawlDelayMs", spec.politeness().maxCrawlDelayMs());
        positive(problems, "politeness.maxInFlightPerHost", spec.politeness().maxInFlightPerHost());
        positive(problems, "fetch.timeoutMs", spec.fetch().timeoutMs());
        positive(problems, "fetch.maxBytes", spec.fetch().maxBytes());
        nonNegative(problems, "fetch.maxRedirects", spec.fetch().maxRedirects());
        if (spec.fetch().userAgent().isBlank()) {
            problems.add("fetch.userAgent: must not be blank");
        }
        regexes(problems, "scope.include", spec.scope().include());
        regexes(problems, "scope.exclude", spec.scope().exclude());
        for (String host : spec.scope().hosts()) {
            if (host == null || host.isBlank() || host.contains("/")) {
                problems.add("scope.hosts: '" + host + "' is not a host pattern");
            }
        }
        for (String host : spec.scope().allowPrivateHosts()) {
            if (host == null || host.isBlank() || host.contains("/") || host.contains("*")) {
                problems.add("scope.allowPrivateHosts: '" + host + "' is not a host");
            }
        }
        Duration after = duration(problems, "recrawlAfter", spec.recrawlAfter());
        Duration min = duration(problems, "recrawlMin", spec.recrawlMin());
        Duration max = duration(problems, "recrawlMax", spec.recrawlMax());
        positive(problems, "recrawlMin", min);
        positive(problems, "recrawlMax", max);
        if ((min != null || max != null) && spec.recrawlAfter() == null) {
            problems.add("recrawlMin, recrawlMax: only with recrawlAfter");
        }
        if (after != null && min != null && min.compareTo(after) > 0) {
            problems.add("recrawlMin: must not be longer than recrawlAfter");
        }
        if (after != null && max != null && max.compareTo(after) < 0) {
            problems.add("recrawlMax: must not be shorter than recrawlAfter");
        }
        return problems;
    }

    /** An ISO-8601 duration, or null when absent or not one (then a problem says so). */
    private static Duration duration(List<String> problems, String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            problems.add(field + ": '" + value + "' is not an ISO-8601 duration such as P7D");
            return null;
        }
    }

    private static void positive(List<String> problems, String field, Duration value) {
        if (value != null && (value.isNegative() || value.isZero())) {
            problems.add(field + ": must be longer than zero");
        }
    }

    private static void nonNegative(List<String> problems, String field, long value) {
        if (value < 0) {
            problems.add(field + ": must be >= 0, got " + value);
        }
    }

    private static void positive(List<String> problems, String field, long value) {
        if (value <= 0) {
            problems.add(field + ": must be > 0, got " + value);
        }
    }

    private static void regexes(List<String> problems, String field, List<String> patterns) {
        for (String pattern : patterns) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException | NullPointerException e) {
                problems.add(field + ": '" + pattern + "' is not a regular expression");
            }
        }
    }

    /** A field's place in the spec as users write it: {@code politeness.delayMs}, {@code seeds[2]}. */
    private static String path(List<JsonMappingException.Reference> path) {
        StringBuilder where = new StringBuilder();
        for (JsonMappingException.Reference step : path) {
            if (step.getFieldName() != null) {
                where.append(where.length() == 0 ? "" : ".").append(step.getFieldName());
            } else {
                where.append('[').append(step.getIndex()).append(']');
            }
        }
        return where.toString();
    }

    private static String expected(Class<?> type) {
        if (type == Integer.class || type == Long.class || type == int.class || type == long.class) {
            return "must be an integer";
        }
        if (type == Boolean.class || type == boolean.class) {
            return "must be true or false";
        }
        if (type == String.class) {
            return "must be a string";
        }
        if (type != null && List.class.isAssignableFrom(type)) {
            return "must be a list";
        }
        return "must be an object";
    }

    private static Result rejected(String reason) {
        return new Result(null, reason);
    }
}
