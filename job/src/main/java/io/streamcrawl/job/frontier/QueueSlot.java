package io.streamcrawl.job.frontier;

/** The key of one queued URL in a host's queue: the task's queue and the URL's sequence number in it. */
public record QueueSlot(String task, long seq) {}
