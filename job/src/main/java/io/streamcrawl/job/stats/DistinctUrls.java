package io.streamcrawl.job.stats;

import io.streamcrawl.job.etcd.EtcdKv;
import io.streamcrawl.job.etcd.TaskKeys;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.apache.datasketches.common.SketchesArgumentException;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HyperLogLog sketches (DataSketches) of the distinct URLs of each task that one scheduler
 * subtask has seen, kept as operator state and merged into {@code /streamcrawl/tasks/<task>/hll}
 * after each completed checkpoint: read, union, compare-and-set, retried on conflict. A union is
 * idempotent, so merging a sketch again (every merge sends the whole local sketch, and a restored
 * subtask sends what it had already sent) never over-counts. Merges run on their own thread.
 */
public final class DistinctUrls implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(DistinctUrls.class);
    /** 2^12 registers: about 1.6% standard error in about 2.5 KB per task. */
    static final int LG_K = 12;

    /** One task's sketch, the element type of the operator state. */
    public record TaskSketch(String task, byte[] sketch) {}

    private final Map<String, HllSketch> local = new HashMap<>();
    /** Also written by the merge thread, when a merge fails and must be retried. */
    private final Set<String> changed = ConcurrentHashMap.newKeySet();
    private final Map<String, Double> merged = new ConcurrentHashMap<>();
    private final EtcdKv kv;
    private final TaskKeys keys;
    private final MetricGroup metrics;
    private final ExecutorService merger;
    private ListState<TaskSketch> state;

    /** Each task gets a gauge {@code crawler_task_distinct_urls} in {@code metrics}, labelled {@code task}. */
    public DistinctUrls(EtcdKv kv, TaskKeys keys, MetricGroup metrics) {
        this.kv = kv;
        this.keys = keys;
        this.metrics = metrics;
        this.merger = Executors.newSingleThreadExecutor(r -> {
            Thread thread = new Thread(r, "streamcrawl-hll-merge");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** Counts a URL, given by a well-mixed 64-bit hash of it. */
    public void add(String task, long urlHash) {
        sketchOf(task).update(urlHash);
        changed.add(task);
    }

    /** The task's distinct URLs over all subtasks as of this subtask's last merge; 0 before it. */
    public double mergedEstimate(String task) {
        return merged.getOrDefault(task, 0.0);
    }

    /** Merges the sketches that changed since the last call into etcd, in the background. */
    public void mergeChanged() {
        Map<String, byte[]> copies = new HashMap<>();
        for (String task : changed) {
            changed.remove(task);
            copies.put(task, local.get(task).toCompactByteArray());
        }
        if (!copies.isEmpty()) {
            merger.execute(() -> copies.forEach(this::mergeIntoEtcd));
        }
    }

    /** The estimate of a sketch as stored in etcd. */
    public static double estimate(byte[] sketch) {
        return HllSketch.heapify(sketch).getEstimate();
    }

    /** Binds to the operator state {@code name} and restores from it, uniting sketches of the same task. */
    public void initialize(FunctionInitializationContext context, String name) throws Exception {
        state = context.getOperatorStateStore().getListState(new ListStateDescriptor<>(name, TaskSketch.class));
        if (context.isRestored()) {
            for (TaskSketch restored : state.get()) {
                local.put(restored.task(), union(sketchOf(restored.task()), HllSketch.heapify(restored.sketch())));
                changed.add(restored.task());
            }
        }
    }

    public void snapshot() throws Exception {
        List<TaskSketch> sketches = new ArrayList<>();
        local.forEach((task, sketch) -> sketches.add(new TaskSketch(task, sketch.toCompactByteArray())));
        state.update(sketches);
    }

    @Override
    public void close() {
        merger.shutdownNow();
    }

    private void mergeIntoEtcd(String task, byte[] sketch) {
        String key = keys.key(task, TaskKeys.HLL);
        try {
            while (true) {
                EtcdKv.Versioned current = kv.read(key);
                HllSketch union = HllSketch.heapify(sketch);
                if (current.present()) {
                    try {
                        union = union(union, HllSketch.heapify(current.value()));
                    } catch (SketchesArgumentException e) {
                        LOG.warn("Task {}: {} holds no HyperLogLog sketch ({}); replacing it", task, key, e.getMessage());
                    }
                }
                byte[] updated = union.toCompactByteArray();
                if (Arrays.equals(updated, current.value()) || kv.putIfUnchanged(key, current, updated)) {
                    merged.put(task, union.getEstimate());
                    return;
                }
            }
        } catch (RuntimeException e) {
            // The next checkpoint merges again: the sketch only grows, nothing is lost by waiting.
            LOG.warn("Task {}: cannot merge the distinct-URL sketch into {}: {}", task, key, e.toString());
            changed.add(task);
        }
    }

    private HllSketch sketchOf(String task) {
        return local.computeIfAbsent(task, t -> {
            metrics.addGroup("task", t).gauge("crawler_task_distinct_urls", (Gauge<Double>) () -> mergedEstimate(t));
            return new HllSketch(LG_K);
        });
    }

    private static HllSketch union(HllSketch a, HllSketch b) {
        Union union = new Union(LG_K);
        union.update(a);
        union.update(b);
        return union.getResult(TgtHllType.HLL_4);
    }
}
