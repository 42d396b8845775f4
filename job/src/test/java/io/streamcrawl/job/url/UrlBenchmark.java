package io.streamcrawl.job.url;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * JMH: the per-link work before the frontier: resolving an href against its page and normalizing
 * it, normalizing an absolute URL (what the frontier decoder does), and the 128-bit fingerprint
 * the scheduler's seen-set is keyed by. The inputs cycle through the forms links take on the
 * benchmark site (root-relative, document-relative, with fragments, absolute).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class UrlBenchmark {
    private static final String PAGE = "http://127.0.0.1:18090/docs/time-producer-1/operator-join-group-499.html";
    private static final String[] HREFS = {
        "/docs/source-restore-3/",
        "../queue-parallelism-2/#top",
        "split-reader-cache-402.html",
        "/docs/time-producer-1/split-index-compaction-403.html#sec-6",
        "../../",
        "http://127.0.0.1:18090/docs/charset-type-6/checkpoint-barrier-window-77.html?b=2&a=1",
        "serializer-dashboard-savepoint-404.html#top",
        "/docs/level-graph-8/../level-graph-8/./metric-gauge-timer-812.html",
    };
    private final String[] absolute = new String[HREFS.length];
    private int next;

    public UrlBenchmark() {
        for (int i = 0; i < HREFS.length; i++) {
            absolute[i] = UrlNormalizer.resolve(PAGE, HREFS[i]).orElseThrow();
        }
    }

    @Benchmark
    public Optional<String> resolveAndNormalize() {
        return UrlNormalizer.resolve(PAGE, HREFS[next++ & 7]);
    }

    @Benchmark
    public Optional<String> normalize() {
        return UrlNormalizer.normalize(absolute[next++ & 7]);
    }

    @Benchmark
    public UrlFingerprint fingerprint() {
        return UrlFingerprint.of("bench\n" + absolute[next++ & 7]);
    }
}
