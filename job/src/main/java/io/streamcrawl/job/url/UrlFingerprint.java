package io.streamcrawl.job.url;

import org.apache.datasketches.hash.MurmurHash3;
import org.apache.flink.util.Preconditions;

import java.nio.charset.StandardCharsets;

/**
 * The 128-bit fingerprint of a normalized URL: MurmurHash3 x64 128 (seed 0) of its UTF-8 bytes.
 * 128 bits because 64 collide at web scale. The value is persisted in keyed state, so the
 * algorithm and seed must never change.
 *
 * @param high the first 64 bits of the hash
 * @param low the second 64 bits of the hash
 */
public record UrlFingerprint(long high, long low) {
    private static final long SEED = 0L;

    /** The fingerprint of {@code normalizedUrl}; pass it through {@link UrlNormalizer} first. */
    public static UrlFingerprint of(String normalizedUrl) {
        Preconditions.checkNotNull(normalizedUrl, "normalizedUrl");
        long[] hash = MurmurHash3.hash(normalizedUrl.getBytes(StandardCharsets.UTF_8), SEED);
        return new UrlFingerprint(hash[0], hash[1]);
    }

    /** 32 lower-case hex digits, high bits first. */
    public String toHex() {
        return String.format("%016x%016x", high, low);
    }
}
