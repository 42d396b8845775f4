package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.job.cli.Crawlctl;
import io.streamcrawl.job.control.WorkerInfo;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.TestSite;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The worker registry of a running crawl: each host-scheduler subtask's entry, crawlctl workers, and its end. */
class WorkersITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension static final MiniClusterExtension FLINK = TestCrawl.miniCluster(METRICS);

    private static final Duration TTL = Duration.ofSeconds(2);

    @AutoClose private TestCrawl crawl;

    @Test
    void eachSchedulerSubtaskIsListedWhileTheCrawlRunsAndNoneAfterItIsCancelled(TestInfo test) throws Exception {
        TestSite site = TestSite.builder().pages(40).build();
        crawl = new TestCrawl(test, REDIS, ETCD, site,
                Map.of("workers.lease-ttl", "2 s", "workers.refresh-interval", "200 ms"));
        // One page every 100 ms: the crawl runs for seconds, long enough to watch its workers.
        crawl.start("{\"seeds\": [\"" + site.baseUrl() + "/\"], \"politeness\": {\"delayMs\": 100}}");

        // One host: one subtask holds it and releases its pages, the other holds nothing.
        await().atMost(TestCrawl.TIMEOUT).until(() -> {
            List<WorkerInfo> workers = workers();
            return workers.size() == 2 && workers.stream().anyMatch(w -> w.hostsHeld() == 1 && w.pagesPerSecond() > 0);
        });
        List<WorkerInfo> workers = workers();
        assertThat(workers).extracting(WorkerInfo::subtask).containsExactly(0, 1);
        assertThat(workers).allSatisfy(w -> {
            assertThat(w.parallelism()).isEqualTo(2);
            assertThat(w.taskManager()).isEqualTo(workers.get(0).taskManager()).isNotEqualTo("unknown");
        });
        assertThat(workers).extracting(WorkerInfo::hostsHeld).containsExactlyInAnyOrder(0L, 1L);
        assertThat(crawlctlWorkers()).hasSize(2).allSatisfy(line -> assertThat(line)
                .matches("taskmanager=\\S+ host=\\S+ subtask=[01]/2 attempt=0 hosts_held=[01] pages_per_s=\\d+\\.\\d"));

        crawl.job.cancel().get();
        long cancelled = System.nanoTime();
        await().atMost(TTL).until(() -> workers().isEmpty());
        assertThat(Duration.ofNanos(System.nanoTime() - cancelled)).isLessThanOrEqualTo(TTL);
        assertThat(crawlctlWorkers()).containsExactly("no workers registered for crawl " + crawl.ns);
        crawl.job = null;
    }

    /** The registered workers, read through crawlctl's registry, in key order. */
    private List<WorkerInfo> workers() {
        return crawl.registry.workers(crawl.ns).values().stream().map(WorkerInfo::fromJson).toList();
    }

    private List<String> crawlctlWorkers() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int exit = Crawlctl.run(new String[] {"--etcd.endpoints", ETCD.endpoint(), "--etcd.prefix", "/" + crawl.ns + "/",
                "--frontier.group", crawl.ns, "workers"}, new PrintStream(out, true, StandardCharsets.UTF_8));
        assertThat(exit).isZero();
        return out.toString(StandardCharsets.UTF_8).lines().toList();
    }
}
