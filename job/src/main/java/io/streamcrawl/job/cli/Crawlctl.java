package io.streamcrawl.job.cli;

import io.streamcrawl.connectors.etcd.EtcdConnectionConfig;
import io.streamcrawl.connectors.redis.sink.RedisStreamEntry;
import io.streamcrawl.job.config.CrawlerConfigLoader;
import io.streamcrawl.job.config.RedisConnections;
import io.streamcrawl.job.config.TaskNames;
import io.streamcrawl.job.config.TaskSpecParser;
import io.streamcrawl.job.config.TaskSpecSeeds;
import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.etcd.EtcdKv;
import io.streamcrawl.job.etcd.TaskKeys;
import io.streamcrawl.job.etcd.TaskRegistry;
import io.streamcrawl.job.model.FrontierSeeder;
import io.streamcrawl.job.stats.DistinctUrls;
import io.streamcrawl.job.stats.HostsBackingOff;
import io.streamcrawl.job.control.WorkerInfo;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import org.apache.flink.configuration.Configuration;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import static io.streamcrawl.job.config.CrawlerOptions.*;

/**
 * The command line for crawl tasks (wrapped by scripts/crawlctl). Every operation is also a
 * plain etcd key or Redis command; this only saves typing. Crawler options ({@code --redis.port
 * 6379}, {@code --config FILE}) may stand anywhere.
 */
public final class Crawlctl {
    static final Duration DEFAULT_UNREACHABLE_TIMEOUT = Duration.ofMinutes(5);
    /** The hosts backing off that {@code status} names, those that pause longest. */
    private static final int MAX_HOSTS_SHOWN = 5;
    static final String USAGE = String.join("\n",
            "usage: crawlctl [--config FILE] [--<option> VALUE ...] COMMAND",
            "  task put TASK SPEC.json|- [URL...]",
            "                               write a task's spec (JSON file, or - for standard input); URLs join",
            "                               its seeds and their hosts its scope.allowPrivateHosts (and scope.hosts, if set)",
            "  task enable|disable TASK     switch a task on or off",
            "  task delete TASK             remove a task; the job drops its queued URLs",
            "  task list                    tasks with their enabled flag and status",
            "  seed TASK [URL...]           add seed URLs to the frontier (default: the seeds of the task's spec;",
            "                               the job injects those by itself once per task generation)",
            "  status TASK                  pages, queued, in flight, errors, distinct URLs (estimate), frontier backlog,",
            "                               hosts backing off (open breaker) and until when, the 5 longest",
            "  report TASK [--json]         fetches, bytes, statuses by class and the top ones, media types, novel and",
            "                               not-modified pages, failures by cause, robots disallows, hosts backing off,",
            "                               pages per second over the crawl's life; then per host (see docs/report.md)",
            "  wait-idle TASK [--timeout SECONDS] [--progress SECONDS]",
            "                               wait until the task has nothing queued, in flight or unread,",
            "                               then print the crawl summary line (exit 1 when not idle after --timeout)",
            "  workers                      the host-scheduler subtasks of the running job, one line each: TaskManager,",
            "                               host, subtask/parallelism, attempt, hosts held, pages released per second",
            "status, report, wait-idle and workers wait out an outage of Redis or etcd for up to --unreachable-timeout SECONDS",
            "(default " + DEFAULT_UNREACHABLE_TIMEOUT.toSeconds() + "), saying so in one line; then they exit 3.");

    private static final Duration POLL = Duration.ofSeconds(1);
    private static final int IDLE_POLLS = 3;
    /** The exit code when Redis or etcd stayed unreachable past --unreachable-timeout. */
    static final int UNREACHABLE = 3;

    private final Configuration config;
    private final PrintStream out;
    private final OutageWait outages;

    Crawlctl(Configuration config, PrintStream out, OutageWait outages) {
        this.config = config;
        this.out = out;
        this.outages = outages;
    }

    public static void main(String[] args) {
        JulToSlf4j.install();
        try {
            System.exit(run(args, System.out));
        } catch (IllegalArgumentException | IllegalStateException | JedisException e) {
            System.err.println("crawlctl: " + e.getMessage());
            System.exit(2);
        }
    }

    /** Runs one command; returns the exit code. */
    public static int run(String[] args, PrintStream out) {
        return run(args, out, System.err);
    }

    /** Runs one command, with what crawlctl has to say about an outage on {@code err}; returns the exit code. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        CrawlctlArgs parsed = CrawlctlArgs.parse(args);
        if (parsed.help()) {
            out.println(USAGE);
            return 0;
        }
        List<String> words = parsed.words();
        if (words.isEmpty()) {
            throw new IllegalArgumentException("no command given\n" + USAGE);
        }
        Configuration config = CrawlerConfigLoader.fromArgs(parsed.crawlerOptions().toArray(String[]::new));
        ControlPlane control = ControlPlane.of(config);
        Supplier<Optional<EtcdConnectionConfig.Diagnosis>> etcdDiagnosis = () -> control.etcd().diagnose(control.etcd().connectTimeout());
        OutageWait outages = new OutageWait(
                new OutageWait.Servers(RedisConnections.of(config).address(), control.etcd().address(), etcdDiagnosis),
                Duration.ofSeconds(parsed.seconds("unreachable-timeout", DEFAULT_UNREACHABLE_TIMEOUT.toSeconds())),
                POLL, err);
        Crawlctl crawlctl = new Crawlctl(config, out, outages);
        String command = words.get(0);
        List<String> rest = words.subList(1, words.size());
        try {
            return switch (command) {
                case "task" -> crawlctl.task(rest);
                case "seed" -> crawlctl.seed(rest);
                case "status" -> crawlctl.status(single(rest, "status TASK"));
                case "report" -> crawlctl.report(single(rest, "report TASK [--json]"), parsed.json());
                case "workers" -> crawlctl.workers(rest);
                case "wait-idle" -> crawlctl.waitIdle(single(rest, "wait-idle TASK"),
                        parsed.seconds("timeout", 0), parsed.seconds("progress", 5));
                default -> throw new IllegalArgumentException("unknown command '" + command + "'\n" + USAGE);
            };
        } catch (OutageWait.UnreachableException e) {
            err.println(e.getMessage());
            return UNREACHABLE;
        } catch (EtcdKv.UnavailableException e) {
            // jetcd waits for a connection without saying why it has none (a refused TLS handshake, say).
            throw new IllegalStateException(e.getMessage() + etcdDiagnosis.get().map(why -> ": " + why.cause()).orElse(""), e);
        }
    }

    private int task(List<String> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("task needs a subcommand: put, enable, disable, delete, list");
        }
        try (TaskRegistry registry = registry()) {
            switch (args.get(0)) {
                case "put" -> {
                    if (args.size() < 3) {
                        throw new IllegalArgumentException("usage: task put TASK SPEC.json|- [URL...]");
                    }
                    String task = validTask(args.get(1));
                    String json = TaskSpecSeeds.merge(readSpec(args.get(2)), args.subList(3, args.size()));
                    TaskSpecParser.Result parsed = TaskSpecParser.parse(json);
                    if (!parsed.accepted()) {
                        throw new IllegalArgumentException("spec of task " + task + " rejected: " + parsed.rejection());
                    }
                    registry.putSpec(task, json);
                    out.println("task " + task + ": spec written");
                }
                case "enable", "disable" -> {
                    String task = validTask(single(args.subList(1, args.size()), "task " + args.get(0) + " TASK"));
                    registry.setEnabled(task, args.get(0).equals("enable"));
                    out.println("task " + task + ": " + args.get(0) + "d");
                }
                case "delete" -> {
                    String task = validTask(single(args.subList(1, args.size()), "task delete TASK"));
                    registry.delete(task);
                    out.println("task " + task + ": deleted");
                }
                case "list" -> registry.list().forEach((task, values) -> out.printf(Locale.ROOT, "%-24s enabled=%-5s status=%s%n",
                        task, values.getOrDefault(TaskKeys.ENABLED, "false"), values.getOrDefault(TaskKeys.STATUS, "-")));
                default -> throw new IllegalArgumentException("unknown task subcommand '" + args.get(0) + "'");
            }
        }
        return 0;
    }

    private int seed(List<String> args) {
        if (args.isEmpty()) {
            throw new IllegalArgumentException("usage: seed TASK [URL...]");
        }
        String task = validTask(args.get(0));
        List<String> urls = args.size() > 1 ? args.subList(1, args.size()) : specSeeds(task);
        try (UnifiedJedis redis = redis()) {
            for (RedisStreamEntry entry : FrontierSeeder.of(redis, config).seed(task, urls)) {
                out.println("seeded " + entry.fields().get("url") + " -> " + entry.stream());
            }
        }
        return 0;
    }

    private List<String> specSeeds(String task) {
        try (TaskRegistry registry = registry()) {
            String json = registry.get(task, TaskKeys.SPEC).map(TaskRegistry.Value::value)
                    .orElseThrow(() -> new IllegalArgumentException("task " + task + " has no spec: give seed URLs or put a spec first"));
            TaskSpecParser.Result parsed = TaskSpecParser.parse(json);
            if (!parsed.accepted()) {
                throw new IllegalArgumentException("the spec of task " + task + " is invalid: " + parsed.rejection());
            }
            return parsed.spec().seeds();
        }
    }

    private int status(String task) {
        try (CrawlctlClients clients = new CrawlctlClients(config)) {
            out.println(outages.read(() -> statusLines(clients, task), clients::reset));
        }
        return 0;
    }

    private int report(String task, boolean json) {
        try (CrawlctlClients clients = new CrawlctlClients(config)) {
            CrawlReport report = outages.read(() -> CrawlReport.read(
                    clients.redis(), config.get(STATS_KEY_PREFIX), task, System.currentTimeMillis()), clients::reset);
            out.println(json ? report.json() : report.text());
        }
        return 0;
    }

    private int workers(List<String> args) {
        if (!args.isEmpty()) {
            throw new IllegalArgumentException("usage: workers");
        }
        String crawl = config.get(FRONTIER_GROUP);
        try (CrawlctlClients clients = new CrawlctlClients(config)) {
            Map<String, String> workers = outages.read(() -> clients.registry().workers(crawl), clients::reset);
            if (workers.isEmpty()) {
                out.println("no workers registered for crawl " + crawl);
            }
            workers.forEach((key, json) -> {
                try {
                    out.println(WorkerInfo.fromJson(json).line());
                } catch (IllegalArgumentException e) {
                    out.println("unreadable worker entry " + key + ": " + json);
                }
            });
        }
        return 0;
    }

    /** The task's status line, and a second line naming the hosts backing off, if any. */
    private String statusLines(CrawlctlClients clients, String task) {
        CrawlProgress p = progress(clients.redis(), task);
        TaskRegistry registry = clients.registry();
        long distinctUrls = registry.getBytes(task, TaskKeys.HLL).map(DistinctUrls::estimate).map(Math::round).orElse(0L);
        String status = String.format(Locale.ROOT, "task=%s enabled=%s status=%s pages=%d errors=%d queued=%d in_flight=%d"
                        + " distinct_urls~%d frontier_unread=%d frontier_pending=%d",
                task,
                registry.get(task, TaskKeys.ENABLED).map(TaskRegistry.Value::value).orElse("false"),
                registry.get(task, TaskKeys.STATUS).map(TaskRegistry.Value::value).orElse("-"),
                p.pages(), p.errors(), p.queued(), p.inFlight(), distinctUrls, p.unread(), p.pending());
        HostsBackingOff.Summary backingOff = HostsBackingOff.read(
                clients.redis(), config.get(STATS_KEY_PREFIX), task, System.currentTimeMillis(), MAX_HOSTS_SHOWN);
        if (backingOff.hosts() == 0) {
            return status;
        }
        return status + String.format(Locale.ROOT, "%nbacking_off_hosts=%d longest: %s", backingOff.hosts(),
                backingOff.longest().stream()
                        .map(pause -> pause.host() + " until " + Instant.ofEpochMilli(pause.until()))
                        .collect(Collectors.joining(", ")));
    }

    private int waitIdle(String task, long timeoutSeconds, long progressSeconds) {
        long start = System.nanoTime();
        long lastProgress = start;
        long startPages = -1;
        int idlePolls = 0;
        try (CrawlctlClients clients = new CrawlctlClients(config)) {
            while (true) {
                CrawlProgress p = outages.read(() -> progress(clients.redis(), task), clients::reset);
                startPages = startPages < 0 ? p.pages() : startPages;
                // Until the job has injected the spec's seeds, an empty frontier means "not started".
                idlePolls = p.idle() && !outages.read(() -> clients.registry().seedsPending(task), clients::reset)
                        ? idlePolls + 1 : 0;
                double seconds = (System.nanoTime() - start) / 1e9;
                if (idlePolls >= IDLE_POLLS) {
                    long pages = p.pages();
                    out.printf(Locale.ROOT, "crawl summary: task=%s pages=%d errors=%d seconds=%.1f pages_per_s=%.1f%n",
                            task, pages, p.errors(), seconds, seconds > 0 ? (pages - startPages) / seconds : 0.0);
                    return 0;
                }
                if (timeoutSeconds > 0 && seconds > timeoutSeconds) {
                    out.printf(Locale.ROOT, "not idle after %d s: %s%n", timeoutSeconds, p);
                    return 1;
                }
                if (progressSeconds > 0 && System.nanoTime() - lastProgress >= progressSeconds * 1_000_000_000L) {
                    lastProgress = System.nanoTime();
                    out.printf(Locale.ROOT, "progress: task=%s pages=%d errors=%d queued=%d in_flight=%d pages_per_s=%.1f%n",
                            task, p.pages(), p.errors(), p.queued(), p.inFlight(), (p.pages() - startPages) / seconds);
                }
                pause();
            }
        }
    }

    private CrawlProgress progress(UnifiedJedis redis, String task) {
        return CrawlProgress.read(redis, config, task);
    }

    private TaskRegistry registry() {
        return new TaskRegistry(ControlPlane.of(config));
    }

    private UnifiedJedis redis() {
        return RedisConnections.of(config).createClient("crawlctl");
    }

    private static String readSpec(String source) {
        try {
            return source.equals("-")
                    ? new String(System.in.readAllBytes(), StandardCharsets.UTF_8)
                    : Files.readString(Path.of(source));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read spec " + source + ": " + e.getMessage());
        }
    }

    private static String validTask(String task) {
        if (!TaskNames.isValid(task)) {
            throw new IllegalArgumentException("invalid task name '" + task + "': use letters, digits, '.', '_' and '-'");
        }
        return task;
    }

    private static String single(List<String> args, String usage) {
        if (args.size() != 1) {
            throw new IllegalArgumentException("usage: " + usage);
        }
        return args.get(0);
    }

    private static void pause() {
        try {
            Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
