package io.streamcrawl.job.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The value of {@code /streamcrawl/tasks/<task>/seeded}: which seeds the job has injected in
 * which generation of the task. A generation is the etcd create revision of the task's spec key,
 * so a task deleted and put again starts a new one.
 */
public record SeedMarker(long generation, List<String> seeds) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The marker of no generation. */
    public static final SeedMarker NONE = new SeedMarker(0, List.of());

    public SeedMarker {
        seeds = seeds == null ? List.of() : List.copyOf(seeds);
    }

    /** The marker in a key, or {@link #NONE} when the key is absent or holds no marker (nothing counts as seeded). */
    public static SeedMarker of(EtcdKv.Versioned key) {
        if (!key.present()) {
            return NONE;
        }
        try {
            return JSON.readValue(key.value(), SeedMarker.class);
        } catch (IOException | RuntimeException e) {
            return NONE;
        }
    }

    /** The seeds of {@code generation} that this marker does not record as injected. */
    public List<String> missing(long generation, List<String> wanted) {
        Set<String> done = generation == this.generation ? Set.copyOf(seeds) : Set.of();
        return wanted.stream().filter(seed -> !done.contains(seed)).distinct().toList();
    }

    /** This marker with {@code injected} added, moved to {@code generation} if it differs. */
    public SeedMarker with(long generation, List<String> injected) {
        Set<String> all = new LinkedHashSet<>(generation == this.generation ? seeds : List.of());
        all.addAll(injected);
        return new SeedMarker(generation, List.copyOf(all));
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a seed marker", e);
        }
    }
}
