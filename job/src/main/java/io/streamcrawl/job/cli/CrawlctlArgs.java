package io.streamcrawl.job.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A crawlctl command line taken apart: the command and its words, the crawler options for the
 * configuration loader ({@code --redis.port 6379}, {@code --config FILE}) and crawlctl's own
 * options, all of which may stand anywhere.
 *
 * @param words the command and its arguments, in order
 * @param crawlerOptions each {@code --name VALUE} that is not crawlctl's own, as two elements
 * @param ownOptions crawlctl's own options that take a value, by name without the dashes
 * @param json whether {@code --json} was given
 * @param help whether {@code -h} or {@code --help} was given
 */
record CrawlctlArgs(
        List<String> words, List<String> crawlerOptions, Map<String, String> ownOptions, boolean json, boolean help) {
    private static final Set<String> OWN_OPTIONS = Set.of("timeout", "progress", "unreachable-timeout");

    static CrawlctlArgs parse(String[] args) {
        List<String> words = new ArrayList<>();
        List<String> crawlerOptions = new ArrayList<>();
        Map<String, String> own = new HashMap<>();
        boolean json = false;
        boolean help = false;
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--json")) {
                json = true;
            } else if (args[i].equals("-h") || args[i].equals("--help")) {
                help = true;
            } else if (args[i].startsWith("--") && i + 1 < args.length) {
                String name = args[i].substring(2);
                if (OWN_OPTIONS.contains(name)) {
                    own.put(name, args[++i]);
                } else {
                    crawlerOptions.add(args[i]);
                    crawlerOptions.add(args[++i]);
                }
            } else {
                words.add(args[i]);
            }
        }
        return new CrawlctlArgs(List.copyOf(words), List.copyOf(crawlerOptions), Map.copyOf(own), json, help);
    }

    /** The value of own option {@code --name} in whole seconds, {@code fallback} if it was not given. */
    long seconds(String name, long fallback) {
        String value = ownOptions.get(name);
        try {
            return value == null ? fallback : Long.parseLong(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " takes whole seconds, got '" + value + "'");
        }
    }
}
