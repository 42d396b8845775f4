package io.streamcrawl.job.frontier;

/** The key of one queued URL in a host's queue: its lane and its sequence number in the lane. */
public record QueueSlot(QueueLane lane, long seq) {}
