package io.streamcrawl.job.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.job.stats.TaskCounters;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.RedisServerExtension;

import io.etcd.jetcd.Client;
import io.streamcrawl.job.config.CrawlerOptions;
import io.streamcrawl.job.control.WorkerInfo;
import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.etcd.EtcdKv;
import io.streamcrawl.job.etcd.TaskKeys;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import redis.clients.jedis.UnifiedJedis;

/**
 * crawlctl status, report, workers and wait-idle through a real redis-server or etcd that is stopped and started
 * again on the same port: one line says what is unreachable, then they carry on; past
 * --unreachable-timeout they give up with one line and exit 3.
 */
class CrawlctlOutageITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final String TASK = "busy";
    private static final String WAITING = "crawlctl: %s unreachable \\(.+\\), waiting up to %s \\(since \\d\\d:\\d\\d:\\d\\d\\)";
    private static final String GIVING_UP =
            "crawlctl: %s unreachable \\(.+\\) for more than %s \\(since \\d\\d:\\d\\d:\\d\\d\\), giving up";

    @BeforeEach
    void aBusyTask() {
        try (UnifiedJedis redis = redis()) {
            redis.flushAll();
        }
        // The job's published counters: 3 URLs queued, 10 released, 7 of them done.
        publish(3, 10, 7, 6, 1);
    }

    @Test
    void waitIdleWaitsOutARedisRestartAndSaysSoOnce() {
        Run waitIdle = Run.start(options("60"), "wait-idle", TASK, "--progress", "1");
        await().atMost(Duration.ofSeconds(30)).until(() -> waitIdle.out().contains("progress: task=busy pages=6"));

        REDIS.stop();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> waitIdle.err().contains("unreachable"));
        } finally {
            REDIS.start();
        }
        publish(0, 10, 10, 8, 2);

        assertIdleAfterWaitingOnce(waitIdle, "Redis at redis://127.0.0.1:" + REDIS.port());
    }

    @Test
    void waitIdleWaitsOutAnEtcdRestartAndSaysSoOnce() {
        Run waitIdle = Run.start(options("60"), "wait-idle", TASK, "--progress", "1");
        await().atMost(Duration.ofSeconds(30)).until(() -> waitIdle.out().contains("progress: task=busy pages=6"));

        ETCD.stop();
        try {
            // The task goes idle while etcd is down: wait-idle asks etcd whether seeds are pending.
            publish(0, 10, 10, 8, 2);
            await().atMost(Duration.ofSeconds(60)).until(() -> waitIdle.err().contains("unreachable"));
        } finally {
            ETCD.start();
        }

        assertIdleAfterWaitingOnce(waitIdle, "etcd at " + ETCD.endpoint());
    }

    /** wait-idle returned the summary of the task gone idle, and said once that it waited for {@code server}. */
    private static void assertIdleAfterWaitingOnce(Run waitIdle, String server) {
        assertThat(waitIdle.exit()).isZero();
        assertThat(waitIdle.out()).contains("crawl summary: task=busy pages=8 errors=2 ");
        assertThat(waitIdle.err().lines()).singleElement().asString().matches(String.format(WAITING, server, "1m"));
    }

    @Test
    void statusWaitsForRedisToComeBack() {
        REDIS.stop();
        Run status;
        try {
            status = Run.start(options("60"), "status", TASK);
            await().atMost(Duration.ofSeconds(30)).until(() -> status.err().contains("unreachable"));
        } finally {
            REDIS.start();
        }

        assertThat(status.exit()).isZero();
        assertThat(status.out()).startsWith("task=busy enabled=false status=- pages=6 errors=1 queued=3 in_flight=3 ");
        assertThat(status.err().lines()).hasSize(1);
    }

    @Test
    void reportWaitsForRedisToComeBackSayingSoInOneLine() {
        try (UnifiedJedis redis = redis()) {
            redis.hset("streamcrawl:stats:" + TASK + ":report", Map.of("status:200.0", "6", "status:404.0", "1"));
        }
        REDIS.stop();
        Run report;
        try {
            report = Run.start(options("60"), "report", TASK, "--json");
            await().atMost(Duration.ofSeconds(30)).until(() -> report.err().contains("unreachable"));
        } finally {
            REDIS.start();
        }

        assertThat(report.exit()).isZero();
        assertThat(report.out()).contains("\"fetches\" : 7,", "\"top_statuses\" : {\n    \"200\" : 6,\n    \"404\" : 1\n  }");
        assertThat(report.err().lines()).singleElement().asString()
                .matches(String.format(WAITING, "Redis at redis://127.0.0.1:" + REDIS.port(), "1m"));
    }

    @Test
    void workersWaitsForEtcdToComeBack() {
        WorkerInfo worker = new WorkerInfo("tm-1", "10.0.0.7", 0, 1, 0, 3, 2.5, 1);
        try (Client etcd = new ControlPlane(ETCD.endpoint(), "/outage/").connect()) {
            String key = new TaskKeys("/outage/").workerKey(CrawlerOptions.FRONTIER_GROUP.defaultValue(), "tm-1", 0);
            EtcdKv.await(etcd.getKVClient().put(EtcdKv.bytes(key), EtcdKv.bytes(worker.toJson())));
        }
        ETCD.stop();
        Run workers;
        try {
            workers = Run.start(options("60"), "workers");
            await().atMost(Duration.ofSeconds(60)).until(() -> workers.err().contains("unreachable"));
        } finally {
            ETCD.start();
        }

        assertThat(workers.exit()).isZero();
        assertThat(workers.out().lines()).containsExactly(worker.line());
        assertThat(workers.err().lines()).singleElement().asString().matches(String.format(WAITING, "etcd at " + ETCD.endpoint(), "1m"));
    }

    @Test
    void waitIdleGivesUpWithOneLineWhenRedisStaysDown() {
        assertGivesUpWhileDown("Redis at redis://127.0.0.1:" + REDIS.port(), REDIS::stop, REDIS::start);
    }

    @Test
    void waitIdleGivesUpWithOneLineWhenEtcdStaysDown() {
        publish(0, 10, 10, 8, 2); // idle, so that wait-idle asks etcd
        assertGivesUpWhileDown("etcd at " + ETCD.endpoint(), ETCD::stop, ETCD::start);
    }

    private static void assertGivesUpWhileDown(String server, Runnable stop, Runnable start) {
        stop.run();
        try {
            Run waitIdle = Run.start(options("2"), "wait-idle", TASK);

            assertThat(waitIdle.exit()).isEqualTo(Crawlctl.UNREACHABLE);
            assertThat(waitIdle.err().lines()).satisfiesExactly(
                    line -> assertThat(line).matches(String.format(WAITING, server, "2s")),
                    line -> assertThat(line).matches(String.format(GIVING_UP, server, "2s")));
            assertThat(waitIdle.out()).isEmpty();
        } finally {
            start.run();
        }
    }

    /** Writes the task's counters as one subtask of the job publishes them. */
    private static void publish(long queued, long released, long done, long pages, long errors) {
        try (UnifiedJedis redis = redis()) {
            redis.hset("streamcrawl:stats:" + TASK, Map.of(
                    TaskCounters.QUEUED + ".0", String.valueOf(queued),
                    TaskCounters.RELEASED + ".0", String.valueOf(released),
                    TaskCounters.DONE + ".0", String.valueOf(done),
                    TaskCounters.PAGES + ".0", String.valueOf(pages),
                    TaskCounters.ERRORS + ".0", String.valueOf(errors)));
        }
    }

    private static UnifiedJedis redis() {
        return RedisConnectionConfig.builder().host(REDIS.host()).port(REDIS.port()).build().createClient("test");
    }

    private static List<String> options(String unreachableTimeoutSeconds) {
        return List.of("--redis.host", REDIS.host(), "--redis.port", String.valueOf(REDIS.port()),
                "--etcd.endpoints", ETCD.endpoint(), "--etcd.prefix", "/outage/",
                "--unreachable-timeout", unreachableTimeoutSeconds);
    }

    /** One crawlctl command running on its own thread, as scripts/crawlctl runs it. */
    private record Run(CompletableFuture<Integer> exitCode, ByteArrayOutputStream stdout, ByteArrayOutputStream stderr) {
        static Run start(List<String> options, String... command) {
            List<String> args = new ArrayList<>(options);
            args.addAll(List.of(command));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> Crawlctl.run(args.toArray(String[]::new),
                    new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8)));
            return new Run(exit, out, err);
        }

        int exit() {
            try {
                return exitCode.get(90, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new AssertionError("crawlctl did not finish; it printed:\n" + out() + err(), e);
            }
        }

        String out() {
            return stdout.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return stderr.toString(StandardCharsets.UTF_8);
        }
    }
}
