package io.streamcrawl.job.etcd;

import io.streamcrawl.job.config.TaskSpecParser;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;

/**
 * The client side of the task control keys in etcd, and of the worker registry, for crawlctl and
 * tests: every operation is a plain etcd call that {@code etcdctl} could make as well.
 */
public final class TaskRegistry implements AutoCloseable {
    private final Client etcd;
    private final EtcdKv kv;
    private final TaskKeys keys;

    public TaskRegistry(ControlPlane control) {
        this.etcd = control.connect();
        this.kv = new EtcdKv(etcd);
        this.keys = control.keys();
    }

    /** Writes the spec; returns the etcd revision of the write. */
    public long putSpec(String task, String specJson) {
        return kv.put(keys.key(task, TaskKeys.SPEC), specJson);
    }

    public void setEnabled(String task, boolean enabled) {
        kv.put(keys.key(task, TaskKeys.ENABLED), Boolean.toString(enabled));
    }

    /** Removes all of the task's keys; the job drops its queued URLs. */
    public void delete(String task) {
        EtcdKv.await(etcd.getKVClient().delete(EtcdKv.bytes(keys.tasksPrefix() + task + "/"),
                DeleteOption.builder().isPrefix(true).build()));
    }

    /**
     * Rewrites a task's value under {@code leaf} by compare-and-set, reading it again while others
     * write it between; {@code change} gets the current value (null when absent). Returns what it wrote.
     */
    public String update(String task, String leaf, UnaryOperator<String> change) {
        String key = keys.key(task, leaf);
        while (true) {
            EtcdKv.Versioned current = kv.read(key);
            String updated = change.apply(current.present() ? current.text() : null);
            if (kv.putIfUnchanged(key, current, updated.getBytes(StandardCharsets.UTF_8))) {
                return updated;
            }
        }
    }

    /** A task's value under {@code leaf}, with the revision it was last written at. */
    public record Value(String value, long modRevision) {}

    public Optional<Value> get(String task, String leaf) {
        EtcdKv.Versioned found = kv.read(keys.key(task, leaf));
        return found.present() ? Optional.of(new Value(found.text(), found.modRevision())) : Optional.empty();
    }

    /** A task's value under {@code leaf} as raw bytes (sketches), if present. */
    public Optional<byte[]> getBytes(String task, String leaf) {
        EtcdKv.Versioned found = kv.read(keys.key(task, leaf));
        return found.present() ? Optional.of(found.value()) : Optional.empty();
    }

    /** Whether the task's current, valid spec has seeds the job has not injected yet. */
    public boolean seedsPending(String task) {
        EtcdKv.Versioned spec = kv.read(keys.key(task, TaskKeys.SPEC));
        if (!spec.present()) {
            return false;
        }
        TaskSpecParser.Result parsed = TaskSpecParser.parse(spec.text());
        if (!parsed.accepted()) {
            return false;
        }
        SeedMarker marker = SeedMarker.of(kv.read(keys.key(task, TaskKeys.SEEDED)));
        return !marker.missing(spec.createRevision(), parsed.spec().seeds()).isEmpty();
    }

    /** Every task's keys: task -> leaf -> value. */
    public Map<String, Map<String, String>> list() {
        Map<String, Map<String, String>> tasks = new TreeMap<>();
        GetOption prefix = GetOption.builder().isPrefix(true).build();
        for (KeyValue entry : EtcdKv.await(etcd.getKVClient().get(EtcdKv.bytes(keys.tasksPrefix()), prefix)).getKvs()) {
            keys.parse(entry.getKey().toString(StandardCharsets.UTF_8)).ifPresent(key -> tasks
                    .computeIfAbsent(key.task(), t -> new TreeMap<>())
                    .put(key.leaf(), entry.getValue().toString(StandardCharsets.UTF_8)));
        }
        return tasks;
    }

    /** The workers registered for a crawl namespace: key -> value (a {@link WorkerInfo} as JSON), in key order. */
    public Map<String, String> workers(String crawl) {
        Map<String, String> workers = new TreeMap<>();
        GetOption prefix = GetOption.builder().isPrefix(true).build();
        for (KeyValue entry : EtcdKv.await(etcd.getKVClient().get(EtcdKv.bytes(keys.workersPrefix(crawl)), prefix)).getKvs()) {
            workers.put(entry.getKey().toString(StandardCharsets.UTF_8), entry.getValue().toString(StandardCharsets.UTF_8));
        }
        return workers;
    }

    @Override
    public void close() {
        etcd.close();
    }
}
