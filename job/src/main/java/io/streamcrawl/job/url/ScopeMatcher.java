package io.streamcrawl.job.url;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Decides {@link TaskScope#allows(String)}. Compiled regexes are cached per JVM in a bounded
 * map shared by all tasks; the cache is thread-safe and dropped wholesale when full, which only
 * costs recompiling.
 */
final class ScopeMatcher {
    private static final Logger LOG = LoggerFactory.getLogger(ScopeMatcher.class);
    private static final int MAX_CACHED_PATTERNS = 1024;
    /** Stands for a regex that does not compile, so that it is reported once and never matches. */
    private static final Pattern INVALID = Pattern.compile("(?!)");
    private static final Map<String, Pattern> PATTERNS = new ConcurrentHashMap<>();

    private ScopeMatcher() {}

    static boolean allows(TaskScope scope, String url) {
        if (url == null || (scope.maxUrlLength() > 0 && url.length() > scope.maxUrlLength())) {
            return false;
        }
        Optional<String> host = Hosts.hostOf(url);
        if (host.isEmpty() || !hostAllowed(scope.hosts(), host.get())) {
            return false;
        }
        if (scope.exclude() != null) {
            for (String regex : scope.exclude()) {
                if (pattern(regex).matcher(url).find()) {
                    return false;
                }
            }
        }
        if (scope.include() == null || scope.include().length == 0) {
            return true;
        }
        for (String regex : scope.include()) {
            if (pattern(regex).matcher(url).find()) {
                return true;
            }
        }
        return false;
    }

    static Optional<String> firstInvalidPattern(TaskScope scope) {
        if (scope.hosts() != null) {
            for (String host : scope.hosts()) {
                if (!validHostPattern(host)) {
                    return Optional.of("invalid host pattern '" + host + "': use host, *.domain, * or an IPv6 address as [2001:db8::1]");
                }
            }
        }
        for (String[] regexes : new String[][] {scope.include(), scope.exclude()}) {
            if (regexes == null) {
                continue;
            }
            for (String regex : regexes) {
                try {
                    Pattern.compile(regex);
                } catch (PatternSyntaxException | NullPointerException e) {
                    return Optional.of("invalid regex '" + regex + "': " + (e.getMessage() == null ? "null" : e.getMessage()));
                }
            }
        }
        return Optional.empty();
    }

    private static boolean validHostPattern(String pattern) {
        if (pattern == null || pattern.isBlank()) {
            return false;
        }
        if (pattern.equals("*")) {
            return true;
        }
        if (pattern.indexOf(':') >= 0 || pattern.indexOf('[') >= 0) {
            return Ipv6Literals.canonical(pattern.strip()).isPresent();
        }
        return pattern.startsWith("*.") ? pattern.length() > 2 && pattern.indexOf('*', 1) < 0 : !pattern.contains("*");
    }

    private static boolean hostAllowed(String[] patterns, String host) {
        if (patterns == null) {
            return false;
        }
        for (String raw : patterns) {
            if (raw == null) {
                continue;
            }
            String pattern = Hosts.canonical(raw);
            if (pattern.equals("*") || pattern.equals(host)) {
                return true;
            }
            if (pattern.startsWith("*.")) {
                String domain = pattern.substring(2);
                if (host.equals(domain) || (host.endsWith(domain) && host.charAt(host.length() - domain.length() - 1) == '.')) {
                    return true;
                }
            }
        }
        return false;
    }

    private static Pattern pattern(String regex) {
        if (regex == null) {
            return INVALID;
        }
        Pattern cached = PATTERNS.get(regex);
        if (cached != null) {
            return cached;
        }
        if (PATTERNS.size() >= MAX_CACHED_PATTERNS) {
            PATTERNS.clear();
        }
        return PATTERNS.computeIfAbsent(regex, ScopeMatcher::compile);
    }

    private static Pattern compile(String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            LOG.warn("Scope regex '{}' does not compile and matches nothing: {}", regex, e.getDescription());
            return INVALID;
        }
    }
}
