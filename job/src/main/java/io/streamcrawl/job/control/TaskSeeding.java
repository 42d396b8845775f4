package io.streamcrawl.job.control;

import io.streamcrawl.job.etcd.EtcdKv;
import io.streamcrawl.job.etcd.SeedMarker;
import io.streamcrawl.job.etcd.TaskKeys;
import io.streamcrawl.job.model.FrontierSeeder;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Injects the seeds of a task's spec into the frontier once per task generation (see
 * {@link SeedMarker}). The seeds are written first and then recorded at {@code seeded} with a
 * compare-and-set: a failure in between re-injects them on replay, which the exact dedup makes
 * harmless, while recording first could lose them. Replays after a failure and rewrites of the
 * spec inject nothing new; a seed added to the spec later is injected once.
 */
public final class TaskSeeding {
    private static final Logger LOG = LoggerFactory.getLogger(TaskSeeding.class);

    private final EtcdKv kv;
    private final TaskKeys keys;
    private final FrontierSeeder seeder;

    public TaskSeeding(EtcdKv kv, TaskKeys keys, FrontierSeeder seeder) {
        this.kv = kv;
        this.keys = keys;
        this.seeder = seeder;
    }

    /**
     * Seeds the spec written at {@code specRevision}, if it is still the task's current spec (a
     * newer one, or a delete, follows in the event stream and is handled then).
     *
     * @return the seeds injected now
     */
    public List<String> seedOnce(String task, List<String> seeds, long specRevision) {
        EtcdKv.Versioned spec = kv.read(keys.key(task, TaskKeys.SPEC));
        if (spec.modRevision() != specRevision) {
            return List.of();
        }
        String markerKey = keys.key(task, TaskKeys.SEEDED);
        EtcdKv.Versioned current = kv.read(markerKey);
        SeedMarker marker = SeedMarker.of(current);
        if (current.present() && marker.equals(SeedMarker.NONE)) {
            LOG.warn("Task {}: {} holds no seed marker, seeding again: '{}'", task, markerKey, current.text());
        }
        List<String> missing = marker.missing(spec.createRevision(), seeds);
        if (missing.isEmpty()) {
            return missing;
        }
        seeder.seed(task, missing);
        byte[] updated = marker.with(spec.createRevision(), missing).toJson().getBytes(StandardCharsets.UTF_8);
        if (!kv.putIfUnchanged(markerKey, current, updated)) {
            LOG.info("Task {}: {} changed while seeding; another writer seeded it too (duplicates are deduplicated)",
                    task, markerKey);
        }
        LOG.info("Task {}: seeded {} URL(s) of generation {}", task, missing.size(), spec.createRevision());
        return missing;
    }
}
