package io.streamcrawl.job.frontier;

/** A lane of a host's queue: the sequence numbers {@code head} (next to pop) to {@code tail} (next to push), exclusive. */
public record QueueBounds(long head, long tail) {
    public long size() {
        return tail - head;
    }
}
