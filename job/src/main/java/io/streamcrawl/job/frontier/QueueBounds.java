package io.streamcrawl.job.frontier;

/** A task's queue on one host: the sequence numbers {@code head} (next to pop) to {@code tail} (next to push), exclusive. */
public record QueueBounds(long head, long tail) {
    public long size() {
        return tail - head;
    }
}
