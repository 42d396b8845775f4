package io.streamcrawl.job.control;

import io.streamcrawl.connectors.etcd.EtcdKeyEvent;
import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.job.config.TaskNames;
import io.streamcrawl.job.config.TaskSpecParser;
import io.streamcrawl.job.etcd.ControlPlane;
import io.streamcrawl.job.etcd.EtcdKv;
import io.streamcrawl.job.etcd.TaskKeys;
import io.streamcrawl.job.model.FrontierEntrySerializer;
import io.streamcrawl.job.model.FrontierSeeder;
import io.streamcrawl.job.model.TaskEvent;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;

import java.nio.charset.StandardCharsets;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.metrics.Counter;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.UnifiedJedis;

/**
 * Turns changes of the task control keys into {@link TaskEvent}s: validates each spec, writes
 * {@code accepted} or {@code rejected: <reason>} to the task's status key, and passes on only
 * valid specs, so a bad spec leaves the task's previous one in force; injects the seeds of each
 * task generation once ({@link TaskSeeding}). Runs with parallelism 1.
 */
public final class TaskControlFunction extends ProcessFunction<EtcdKeyEvent, TaskEvent> {
    private static final Logger LOG = LoggerFactory.getLogger(TaskControlFunction.class);

    private final ControlPlane control;
    private final TaskKeys keys;
    private final RedisConnectionConfig redisConfig;
    private final FrontierEntrySerializer frontier;
    private transient Client etcd;
    private transient UnifiedJedis redis;
    private transient TaskSeeding seeding;
    private transient Counter rejectedSpecs;

    /** Seeds go to the frontier streams that {@code frontier} writes, on {@code redis}. */
    public TaskControlFunction(ControlPlane control, RedisConnectionConfig redis, FrontierEntrySerializer frontier) {
        this.control = control;
        this.keys = control.keys();
        this.redisConfig = redis;
        this.frontier = frontier;
    }

    @Override
    public void open(OpenContext openContext) {
        etcd = control.connect();
        redis = redisConfig.createClient("streamcrawl-task-control");
        seeding = new TaskSeeding(new EtcdKv(etcd), keys, new FrontierSeeder(redis, frontier));
        rejectedSpecs = getRuntimeContext().getMetricGroup().counter("crawler_task_specs_rejected_total");
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    public void processElement(EtcdKeyEvent event, Context ctx, Collector<TaskEvent> out) {
        keys.parse(event.key()).ifPresent(key -> {
            boolean put = event.type() == EtcdKeyEvent.Type.PUT;
            switch (key.leaf()) {
                case TaskKeys.SPEC -> {
                    if (put) {
                        onSpec(key.task(), event, out);
                    } else {
                        LOG.info("Task {} deleted", key.task());
                        out.collect(TaskEvent.deleted(key.task()));
                    }
                }
                case TaskKeys.ENABLED -> {
                    boolean enabled = put && "true".equalsIgnoreCase(event.value().trim());
                    LOG.info("Task {} {}", key.task(), enabled ? "enabled" : "disabled");
                    out.collect(TaskEvent.enabled(key.task(), enabled));
                }
                case TaskKeys.HOSTS -> out.collect(TaskEvent.hosts(key.task(), put ? event.value() : null));
                default -> { }
            }
        });
    }

    private void onSpec(String task, EtcdKeyEvent event, Collector<TaskEvent> out) {
        String json = event.value();
        if (!TaskNames.isValid(task)) {
            reject(task, "invalid task name '" + task + "': use letters, digits, '.', '_' and '-'");
            return;
        }
        TaskSpecParser.Result result = TaskSpecParser.parse(json);
        if (!result.accepted()) {
            reject(task, result.rejection());
            return;
        }
        writeStatus(task, "accepted");
        out.collect(TaskEvent.spec(task, json));
        seeding.seedOnce(task, result.spec().seeds(), event.revision());
    }

    private void reject(String task, String reason) {
        rejectedSpecs.inc();
        LOG.warn("Task {}: spec rejected: {}", task, reason);
        writeStatus(task, "rejected: " + reason);
    }

    /** Asynchronous: the status is for people and tools; the crawl does not wait for it. */
    private void writeStatus(String task, String status) {
        etcd.getKVClient()
                .put(bytes(keys.key(task, TaskKeys.STATUS)), bytes(status))
                .whenComplete((response, error) -> {
                    if (error != null) {
                        LOG.warn("Task {}: cannot write status '{}': {}", task, status, error.toString());
                    }
                });
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
