package io.streamcrawl.job.parse;

import org.apache.datasketches.hash.MurmurHash3;

import java.util.Arrays;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * Charikar's 64-bit SimHash of a text: texts that share most of their word sequences get
 * fingerprints a small Hamming distance apart, unrelated texts about 32 bits apart.
 *
 * <p>The features are the text's word 3-shingles (the whole text when it has fewer than three
 * words), each hashed with MurmurHash3 and weighted by how often it occurs. A word is a run of
 * letters and digits, lower-cased; an ideograph is a word of its own, so that texts without
 * spaces between words still yield shingles.
 */
public final class SimHash {
    private static final int SHINGLE = 3;
    private static final long SEED = 0x5eed_5c4a_11L;

    private SimHash() {}

    /** The fingerprint of {@code text}; empty when it has no word. */
    public static OptionalLong of(String text) {
        long[] words = wordHashes(text);
        if (words.length == 0) {
            return OptionalLong.empty();
        }
        int[] weights = new int[Long.SIZE];
        int width = Math.min(SHINGLE, words.length);
        long[] shingle = new long[width];
        for (int start = 0; start + width <= words.length; start++) {
            System.arraycopy(words, start, shingle, 0, width);
            long feature = MurmurHash3.hash(shingle, SEED)[0];
            for (int bit = 0; bit < Long.SIZE; bit++) {
                weights[bit] += ((feature >>> bit) & 1L) == 1L ? 1 : -1;
            }
        }
        long fingerprint = 0;
        for (int bit = 0; bit < Long.SIZE; bit++) {
            if (weights[bit] > 0) {
                fingerprint |= 1L << bit;
            }
        }
        return OptionalLong.of(fingerprint);
    }

    /** The number of bits in which two fingerprints differ. */
    public static int distance(long a, long b) {
        return Long.bitCount(a ^ b);
    }

    /** The public form of a fingerprint: 16 lower-case hex digits (JSON numbers lose 64-bit precision). */
    public static String hex(long fingerprint) {
        return String.format(Locale.ROOT, "%016x", fingerprint);
    }

    private static long[] wordHashes(String text) {
        long[] hashes = new long[16];
        int count = 0;
        int i = 0;
        while (i < text.length()) {
            int codePoint = text.codePointAt(i);
            if (!Character.isLetterOrDigit(codePoint)) {
                i += Character.charCount(codePoint);
                continue;
            }
            int end = i + Character.charCount(codePoint);
            if (!Character.isIdeographic(codePoint)) {
                while (end < text.length()) {
                    int next = text.codePointAt(end);
                    if (!Character.isLetterOrDigit(next) || Character.isIdeographic(next)) {
                        break;
                    }
                    end += Character.charCount(next);
                }
            }
            if (count == hashes.length) {
                hashes = Arrays.copyOf(hashes, count * 2);
            }
            hashes[count++] = MurmurHash3.hash(text.substring(i, end).toLowerCase(Locale.ROOT).toCharArray(), SEED)[0];
            i = end;
        }
        return Arrays.copyOf(hashes, count);
    }
}
