package io.streamcrawl.job.dedup;

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
        // A bit of the fingerprint is set when more features have it set than not: count the ones.
        BitCounts ones = new BitCounts();
        int width = Math.min(SHINGLE, words.length);
        int features = words.length - width + 1;
        for (int start = 0; start < features; start++) {
            ones.add(MurmurHash3.hash(words, start, width, SEED)[0]);
        }
        int[] counts = ones.counts();
        long fingerprint = 0;
        for (int bit = 0; bit < Long.SIZE; bit++) {
            if (2 * counts[bit] > features) {
                fingerprint |= 1L << bit;
            }
        }
        return OptionalLong.of(fingerprint);
    }

    /** The number of bits in which two fingerprints differ. */
    public static int distance(long a, long b) {
        return Long.bitCount(a ^ b);
    }

    private static long[] wordHashes(String text) {
        long[] hashes = new long[16];
        char[] lowerCase = new char[32];
        int count = 0;
        int i = 0;
        while (i < text.length()) {
            if (count == hashes.length) {
                hashes = Arrays.copyOf(hashes, count * 2);
            }
            // Most text is ASCII: lower-case its words into one buffer instead of a String each.
            int asciiEnd = i;
            while (asciiEnd < text.length() && isAsciiLetterOrDigit(text.charAt(asciiEnd))) {
                asciiEnd++;
            }
            if (asciiEnd > i && (asciiEnd == text.length() || text.charAt(asciiEnd) < 128)) {
                if (asciiEnd - i > lowerCase.length) {
                    lowerCase = new char[asciiEnd - i];
                }
                for (int k = i; k < asciiEnd; k++) {
                    char c = text.charAt(k);
                    lowerCase[k - i] = c <= 'Z' && c >= 'A' ? (char) (c + ('a' - 'A')) : c;
                }
                hashes[count++] = MurmurHash3.hash(lowerCase, 0, asciiEnd - i, SEED)[0];
                i = asciiEnd;
                continue;
            }
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
            hashes[count++] = MurmurHash3.hash(text.substring(i, end).toLowerCase(Locale.ROOT).toCharArray(), SEED)[0];
            i = end;
        }
        return Arrays.copyOf(hashes, count);
    }

    private static boolean isAsciiLetterOrDigit(char c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9';
    }

    /**
     * How many of the added values have each of the 64 bits set, counted eight bits at a time: a
     * byte of a value is spread into eight byte-wide counters of one long by a table lookup, and
     * the counters are emptied into ints before they can overflow. A bit at a time costs 64 steps
     * per value, and that was most of the fingerprint's cost.
     */
    private static final class BitCounts {
        private static final long[] SPREAD = new long[256];
        private static final int FLUSH_EVERY = 255;

        static {
            for (int b = 0; b < 256; b++) {
                for (int bit = 0; bit < 8; bit++) {
                    if ((b >>> bit & 1) == 1) {
                        SPREAD[b] |= 1L << (8 * bit);
                    }
                }
            }
        }

        private final long[] counters = new long[8];
        private final int[] counts = new int[Long.SIZE];
        private int pending;

        void add(long value) {
            for (int b = 0; b < 8; b++) {
                counters[b] += SPREAD[(int) (value >>> (8 * b)) & 0xff];
            }
            if (++pending == FLUSH_EVERY) {
                flush();
            }
        }

        /** The count of each bit, lowest first. */
        int[] counts() {
            flush();
            return counts;
        }

        private void flush() {
            for (int b = 0; b < 8; b++) {
                for (int bit = 0; bit < 8; bit++) {
                    counts[8 * b + bit] += (int) (counters[b] >>> (8 * bit)) & 0xff;
                }
                counters[b] = 0;
            }
            pending = 0;
        }
    }
}
