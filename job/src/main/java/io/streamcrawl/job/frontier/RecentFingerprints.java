package io.streamcrawl.job.frontier;

import io.streamcrawl.job.url.UrlFingerprint;

import org.apache.flink.util.Preconditions;

import java.util.Arrays;

/**
 * A bounded set of URL fingerprints that forgets the least recently added or repeated one when it
 * is full: what a {@code LinkedHashMap} in access order with {@code removeEldestEntry} does, in
 * primitive arrays. The fingerprints sit in arrays by entry number, linked from most to least
 * recent; an open-addressing table (linear probing, at most half full) maps a fingerprint to
 * its entry. A {@code LinkedHashMap} of 100,000 fingerprints takes two objects per entry spread
 * over about 8 MB; these arrays take 3.4 MB and no allocation per link. Not thread-safe.
 */
public final class RecentFingerprints {
    private static final int NONE = -1;
    private static final int FREE = -1;

    private final int capacity;
    private final long[] highs;
    private final long[] lows;
    private final int[] newer;
    private final int[] older;
    /** The entry of each slot, or FREE. */
    private final int[] slots;
    private final int mask;

    private int size;
    private int newest = NONE;
    private int oldest = NONE;

    public RecentFingerprints(int capacity) {
        Preconditions.checkArgument(capacity > 0, "capacity must be positive, was %s", capacity);
        this.capacity = capacity;
        highs = new long[capacity];
        lows = new long[capacity];
        newer = new int[capacity];
        older = new int[capacity];
        slots = new int[Integer.highestOneBit(capacity) << 2];
        Arrays.fill(slots, FREE);
        mask = slots.length - 1;
    }

    /**
     * Adds {@code fingerprint} as the most recent one, forgetting the least recent one when full.
     *
     * @return whether it was present already (then it only becomes the most recent)
     */
    public boolean add(UrlFingerprint fingerprint) {
        long high = fingerprint.high();
        long low = fingerprint.low();
        for (int slot = home(high); slots[slot] != FREE; slot = next(slot)) {
            int entry = slots[slot];
            if (highs[entry] == high && lows[entry] == low) {
                if (entry != newest) {
                    unlink(entry);
                    linkNewest(entry);
                }
                return true;
            }
        }
        int entry;
        if (size == capacity) {
            entry = oldest;
            unlink(entry);
            removeSlotOf(entry);
        } else {
            entry = size++;
        }
        highs[entry] = high;
        lows[entry] = low;
        int slot = home(high);
        while (slots[slot] != FREE) {
            slot = next(slot);
        }
        slots[slot] = entry;
        linkNewest(entry);
        return false;
    }

    /** The fingerprints are MurmurHash3 output: any of their bits are uniform. */
    private int home(long high) {
        return (int) high & mask;
    }

    private int next(int slot) {
        return (slot + 1) & mask;
    }

    /** Deletes the entry's slot and shifts back the entries after it that probed past it. */
    private void removeSlotOf(int entry) {
        int gap = home(highs[entry]);
        while (slots[gap] != entry) {
            gap = next(gap);
        }
        for (int slot = next(gap); slots[slot] != FREE; slot = next(slot)) {
            int home = home(highs[slots[slot]]);
            // The entry may move into the gap unless its home lies cyclically in (gap, slot].
            boolean homeAfterGap = gap <= slot ? gap < home && home <= slot : gap < home || home <= slot;
            if (!homeAfterGap) {
                slots[gap] = slots[slot];
                gap = slot;
            }
        }
        slots[gap] = FREE;
    }

    private void unlink(int entry) {
        int newerEntry = newer[entry];
        int olderEntry = older[entry];
        if (newerEntry == NONE) {
            newest = olderEntry;
        } else {
            older[newerEntry] = olderEntry;
        }
        if (olderEntry == NONE) {
            oldest = newerEntry;
        } else {
            newer[olderEntry] = newerEntry;
        }
    }

    private void linkNewest(int entry) {
        newer[entry] = NONE;
        older[entry] = newest;
        if (newest == NONE) {
            oldest = entry;
        } else {
            newer[newest] = entry;
        }
        newest = entry;
    }
}
