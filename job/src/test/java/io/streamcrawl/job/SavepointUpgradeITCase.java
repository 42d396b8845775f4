package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.job.etcd.TaskKeys;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.TestSite;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.apache.flink.core.execution.SavepointFormatType;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Upgrades through savepoints: a savepoint of the previous release, checked in under
 * {@code src/test/resources/savepoints/}, restores into this build and its crawl goes on where it
 * stopped, each page fetched once over both runs. The savepoint holds a crawl paused mid-way (task
 * disabled, nothing in flight) with URLs queued in the scheduler's state, so restoring it exercises
 * every operator's state and serializers.
 *
 * <p>To make the savepoint of a release: {@code mvn -pl job -am verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false
 * -Dit.test=SavepointUpgradeITCase -Dfailsafe.failIfNoSpecifiedTests=false
 * -Dstreamcrawl.savepoint.write=$PWD/job/src/test/resources/savepoints/<version>},
 * then point {@link #PREVIOUS_RELEASE} at it.
 */
class SavepointUpgradeITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();
    @RegisterExtension static final MiniClusterExtension FLINK =
            TestCrawl.miniCluster(InMemoryReporter.createWithRetainedMetrics());

    /** The checked-in savepoint a build must restore. */
    static final String PREVIOUS_RELEASE = "savepoints/0.1.0";

    /** The crawl's namespace: the savepoint's stream names, keys and task derive from it. */
    private static final String NS = "upgrade";
    /**
     * Where the site listens, in both runs: the savepoint's queued URLs name it. An address of its
     * own in 127/8 keeps the port clear of anything else on the machine.
     */
    private static final String ADDRESS = "127.83.0.1";
    private static final int PORT = 41883;
    private static final int PAGES = 40;
    /** Every page is linked from the root, so the root's links put the whole site in the scheduler's queue. */
    private static final String SPEC = "{\"seeds\": [\"http://" + ADDRESS + ":" + PORT + "/\"],"
            + " \"scope\": {\"allowPrivateHosts\": [\"" + ADDRESS + "\"]},"
            + " \"politeness\": {\"delayMs\": 150, \"maxInFlightPerHost\": 1}}";
    private static final String FETCHED = "fetched";
    private static final String REVISION = "etcdRevision";

    @AutoClose private TestCrawl crawl;

    @Test
    void restoresThePreviousReleasesSavepointAndFetchesEachRemainingPageOnce() throws Exception {
        Path savepoint = resource(PREVIOUS_RELEASE);
        Properties before = load(savepoint.resolve("crawl.properties"));
        Set<String> fetchedBefore = Set.of(before.getProperty(FETCHED).split(","));
        crawl = new TestCrawl(NS, REDIS, ETCD, site(), Map.of());
        // The watch source resumes after the savepoint's etcd revision: this fresh etcd must pass it
        // before the writes the restored job is to see.
        long revision = Long.parseLong(before.getProperty(REVISION));
        while (crawl.registry.putSpec(crawl.task, SPEC) <= revision) {
            // each write is one revision
        }
        crawl.restore(savepoint.toUri().toString());
        crawl.registry.setEnabled(crawl.task, true);
        crawl.awaitIdle();

        Set<String> fetchedAfter = pagePaths(crawl.site.requestCounts());
        assertThat(fetchedBefore).as("pages fetched before the savepoint").hasSizeBetween(1, PAGES - 1);
        assertThat(fetchedAfter).as("a page fetched before the savepoint is not fetched again")
                .doesNotContainAnyElementsOf(fetchedBefore);
        assertThat(crawl.site.requestCounts()).as("each remaining page fetched once")
                .containsAllEntriesOf(TestCrawl.everyPathOnce(fetchedAfter));
        // The pages' "offsite" link leaves 127.0.0.1 only: on this address it stays on the site.
        assertThat(union(fetchedBefore, fetchedAfter)).as("the whole site over both runs")
                .isEqualTo(union(crawl.site.pagePaths(), Set.of("/offsite.html")));
        assertThat(crawl.pageUrls()).as("the page stream of the restored run")
                .containsExactlyInAnyOrderElementsOf(crawl.urls(fetchedAfter));
    }

    /** Makes the savepoint a later build restores: not part of the test run. */
    @Test
    @EnabledIfSystemProperty(named = "streamcrawl.savepoint.write", matches = ".+")
    void writeSavepoint(@TempDir Path scratch) throws Exception {
        Path target = Paths.get(System.getProperty("streamcrawl.savepoint.write"));
        crawl = new TestCrawl(NS, REDIS, ETCD, site(), Map.of());
        crawl.start(SPEC);
        await().atMost(TestCrawl.TIMEOUT).until(() -> pagePaths(crawl.site.requestCounts()).size() >= PAGES / 3);
        crawl.registry.setEnabled(crawl.task, false);
        long revision = crawl.registry.get(crawl.task, TaskKeys.ENABLED).orElseThrow().modRevision();
        // Paused: the scheduler releases nothing more and the fetches in flight have landed.
        await().atMost(TestCrawl.TIMEOUT)
                .until(() -> System.nanoTime() - crawl.site.lastRequestNanos() > Duration.ofSeconds(3).toNanos());
        String written = await().atMost(TestCrawl.TIMEOUT).ignoreExceptionsInstanceOf(ExecutionException.class)
                .until(() -> crawl.job.stopWithSavepoint(false, scratch.toUri().toString(), SavepointFormatType.CANONICAL).get(),
                        Objects::nonNull);
        crawl.job = null;
        Set<String> fetched = pagePaths(crawl.site.requestCounts());
        assertThat(crawl.site.requestCounts()).containsAllEntriesOf(TestCrawl.everyPathOnce(fetched));
        assertThat(fetched).hasSizeLessThan(PAGES);

        copyTree(Paths.get(URI.create(written)), target);
        Properties properties = new Properties();
        properties.setProperty(FETCHED, String.join(",", new TreeSet<>(fetched)));
        properties.setProperty(REVISION, Long.toString(revision));
        try (OutputStream out = Files.newOutputStream(target.resolve("crawl.properties"))) {
            properties.store(out, "the crawl in the savepoint beside this file (SavepointUpgradeITCase)");
        }
    }

    private static TestSite site() {
        return TestSite.builder().pages(PAGES).depth(1).address(ADDRESS).port(PORT).build();
    }

    private static Set<String> pagePaths(Map<String, Integer> requests) {
        return requests.keySet().stream().filter(path -> !path.startsWith("/robots")).collect(Collectors.toSet());
    }

    private static Set<String> union(Set<String> a, Set<String> b) {
        return Stream.concat(a.stream(), b.stream()).collect(Collectors.toSet());
    }

    private static Path resource(String name) throws URISyntaxException {
        return Paths.get(Objects.requireNonNull(SavepointUpgradeITCase.class.getClassLoader().getResource(name),
                name + " is not on the test class path").toURI());
    }

    private static Properties load(Path file) throws IOException {
        Properties properties = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
            properties.load(in);
        }
        return properties;
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            files.forEach(file -> {
                try {
                    Path copy = to.resolve(from.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(copy);
                    } else {
                        Files.copy(file, copy);
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        }
    }
}
