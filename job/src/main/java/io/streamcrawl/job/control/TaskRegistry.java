package io.streamcrawl.job.control;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The client side of the task control keys in etcd, for crawlctl and tests: every operation is a
 * plain etcd call that {@code etcdctl} could make as well.
 */
public final class TaskRegistry implements AutoCloseable {
    private static final long TIMEOUT_SECONDS = 10;

    private final Client etcd;
    private final TaskKeys keys;

    public TaskRegistry(String endpoints, String root) {
        this.etcd = Client.builder().endpoints(endpoints.split(",")).build();
        this.keys = new TaskKeys(root);
    }

    /** Writes the spec; returns the etcd revision of the write. */
    public long putSpec(String task, String specJson) {
        return put(keys.key(task, TaskKeys.SPEC), specJson);
    }

    public void setEnabled(String task, boolean enabled) {
        put(keys.key(task, TaskKeys.ENABLED), Boolean.toString(enabled));
    }

    /** Removes all of the task's keys; the job drops its queued URLs. */
    public void delete(String task) {
        await(etcd.getKVClient().delete(bytes(keys.tasksPrefix() + task + "/"),
                DeleteOption.builder().isPrefix(true).build()));
    }

    /** A task's value under {@code leaf}, with the revision it was last written at. */
    public record Value(String value, long modRevision) {}

    public Optional<Value> get(String task, String leaf) {
        List<KeyValue> kvs = await(etcd.getKVClient().get(bytes(keys.key(task, leaf)))).getKvs();
        return kvs.isEmpty() ? Optional.empty()
                : Optional.of(new Value(kvs.get(0).getValue().toString(StandardCharsets.UTF_8), kvs.get(0).getModRevision()));
    }

    /** Every task's keys: task -> leaf -> value. */
    public Map<String, Map<String, String>> list() {
        Map<String, Map<String, String>> tasks = new TreeMap<>();
        GetOption prefix = GetOption.builder().isPrefix(true).build();
        for (KeyValue kv : await(etcd.getKVClient().get(bytes(keys.tasksPrefix()), prefix)).getKvs()) {
            keys.parse(kv.getKey().toString(StandardCharsets.UTF_8)).ifPresent(key -> tasks
                    .computeIfAbsent(key.task(), t -> new TreeMap<>())
                    .put(key.leaf(), kv.getValue().toString(StandardCharsets.UTF_8)));
        }
        return tasks;
    }

    @Override
    public void close() {
        etcd.close();
    }

    private long put(String key, String value) {
        return await(etcd.getKVClient().put(bytes(key), bytes(value))).getHeader().getRevision();
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> future) {
        try {
            return future.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new IllegalStateException("etcd request failed: " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("etcd did not answer in " + TIMEOUT_SECONDS + " s", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for etcd", e);
        }
    }

    private static ByteSequence bytes(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
