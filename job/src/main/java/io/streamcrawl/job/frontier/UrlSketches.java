package io.streamcrawl.job.frontier;

/** Where the scheduler counts each task's distinct URLs (the job's are the sketches of {@code DistinctUrls}). */
@FunctionalInterface
interface UrlSketches {
    /** Counts a URL of the task, given by a well-mixed 64-bit hash of it. */
    void add(String task, long urlHash);
}
