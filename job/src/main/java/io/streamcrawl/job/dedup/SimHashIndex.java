package io.streamcrawl.job.dedup;

import org.apache.datasketches.hash.MurmurHash3;
import org.apache.flink.api.common.functions.RuntimeContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.Types;

import java.util.Arrays;
import java.util.Optional;

/**
 * The SimHash fingerprints of the current key's (a host's) distinct pages, in keyed state, with
 * the URL of the first page that had each, answering "is there one within {@code maxDistance}
 * bits?" without a scan.
 *
 * <p>Each fingerprint is split into {@code maxDistance + 1} bands and filed under each band's
 * value: two fingerprints at most {@code maxDistance} bits apart differ in at most that many bands,
 * so they share at least one (Manku, Jain, Das Sarma, "Detecting near-duplicates for web
 * crawling", 2007). A lookup reads one bucket per band. At most {@code capacity} fingerprints are
 * kept per key; the oldest is forgotten first (a ring of slots).
 *
 * <p>State names and types are part of savepoints: never rename or retype them.
 */
final class SimHashIndex {
    private static final long BUCKET_SEED = 0x51a_4a54L;

    private final int maxDistance;
    private final int capacity;
    private final int bands;

    /** Bucket key (band and band value, hashed) to the fingerprints filed there. */
    private final MapState<Long, long[]> buckets;
    /** Fingerprint to the URL of the first page that had it. */
    private final MapState<Long, String> urls;
    /** Ring slot to the fingerprint that occupies it, for forgetting the oldest. */
    private final MapState<Integer, Long> slots;
    /** How many fingerprints were ever added; the next slot is this modulo the capacity. */
    private final ValueState<Long> added;

    SimHashIndex(RuntimeContext context, int maxDistance, int capacity) {
        this.maxDistance = maxDistance;
        this.capacity = capacity;
        this.bands = maxDistance + 1;
        this.buckets = context.getMapState(new MapStateDescriptor<>(
                "simhash-buckets", Types.LONG, PrimitiveArrayTypeInfo.LONG_PRIMITIVE_ARRAY_TYPE_INFO));
        this.urls = context.getMapState(new MapStateDescriptor<>("simhash-urls", Types.LONG, Types.STRING));
        this.slots = context.getMapState(new MapStateDescriptor<>("simhash-slots", Types.INT, Types.LONG));
        this.added = context.getState(new ValueStateDescriptor<>("simhash-added", Types.LONG));
    }

    /** The URL of the page with the kept fingerprint nearest to {@code fingerprint} within {@code maxDistance} bits, if any. */
    Optional<String> nearest(long fingerprint) throws Exception {
        long best = 0;
        int bestDistance = Integer.MAX_VALUE;
        for (int band = 0; band < bands; band++) {
            long[] candidates = buckets.get(bucketOf(band, fingerprint));
            if (candidates == null) {
                continue;
            }
            for (long candidate : candidates) {
                int distance = SimHash.distance(fingerprint, candidate);
                if (distance <= maxDistance && distance < bestDistance) {
                    best = candidate;
                    bestDistance = distance;
                }
            }
        }
        return bestDistance == Integer.MAX_VALUE ? Optional.empty() : Optional.of(urls.get(best));
    }

    /** Keeps a fingerprint not kept yet, forgetting the oldest one when the key is at capacity. */
    void add(long fingerprint, String url) throws Exception {
        long count = added.value() == null ? 0 : added.value();
        int slot = (int) (count % capacity);
        if (count >= capacity) {
            forget(slots.get(slot));
        }
        slots.put(slot, fingerprint);
        urls.put(fingerprint, url);
        for (int band = 0; band < bands; band++) {
            long bucket = bucketOf(band, fingerprint);
            long[] filed = buckets.get(bucket);
            long[] grown = filed == null ? new long[1] : Arrays.copyOf(filed, filed.length + 1);
            grown[grown.length - 1] = fingerprint;
            buckets.put(bucket, grown);
        }
        added.update(count + 1);
    }

    private void forget(long fingerprint) throws Exception {
        urls.remove(fingerprint);
        for (int band = 0; band < bands; band++) {
            long bucket = bucketOf(band, fingerprint);
            long[] kept = Arrays.stream(buckets.get(bucket)).filter(f -> f != fingerprint).toArray();
            if (kept.length == 0) {
                buckets.remove(bucket);
            } else {
                buckets.put(bucket, kept);
            }
        }
    }

    /**
     * The bucket of a fingerprint's band: band {@code b} is bits {@code [64b/n, 64(b+1)/n)} of
     * {@code n} bands. Band and value are hashed into one key; a collision only adds candidates,
     * which the distance check then rejects.
     */
    private long bucketOf(int band, long fingerprint) {
        int from = Long.SIZE * band / bands;
        int to = Long.SIZE * (band + 1) / bands;
        long mask = to - from == Long.SIZE ? -1L : (1L << (to - from)) - 1;
        long value = (fingerprint >>> from) & mask;
        return MurmurHash3.hash(new long[] {band, value}, BUCKET_SEED)[0];
    }
}
