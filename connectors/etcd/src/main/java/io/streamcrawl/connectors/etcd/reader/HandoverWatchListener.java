package io.streamcrawl.connectors.etcd.reader;

import io.streamcrawl.connectors.etcd.reader.EtcdResponse.Failure;
import io.streamcrawl.connectors.etcd.reader.EtcdResponse.Overflow;
import io.streamcrawl.connectors.etcd.reader.EtcdResponse.WatchCreated;
import io.streamcrawl.connectors.etcd.reader.EtcdResponse.WatchEvents;

import io.etcd.jetcd.Watch;
import io.etcd.jetcd.watch.WatchResponse;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Puts one watch's responses into the handover; runs on jetcd threads and never blocks. Once the
 * watch is abandoned (the generation moved on) it drops everything. If the handover is full it
 * reports an {@link Overflow} once and drops the rest: the fetcher re-watches from the last
 * revision it handed to Flink, so nothing is lost.
 */
final class HandoverWatchListener implements Watch.Listener {
    private final long watchGeneration;
    private final AtomicLong currentGeneration;
    private final Handover<EtcdResponse> handover;
    private final AtomicBoolean overflowed = new AtomicBoolean();

    HandoverWatchListener(long watchGeneration, AtomicLong currentGeneration, Handover<EtcdResponse> handover) {
        this.watchGeneration = watchGeneration;
        this.currentGeneration = currentGeneration;
        this.handover = handover;
    }

    @Override
    public void onNext(WatchResponse response) {
        if (!isCurrent() || overflowed.get()) {
            return;
        }
        if (response.isCreatedNotify()) {
            handover.add(new WatchCreated(watchGeneration, response.getHeader().getRevision()));
        } else if (!response.getEvents().isEmpty()
                && !handover.offer(new WatchEvents(watchGeneration, response.getEvents()))
                && overflowed.compareAndSet(false, true)) {
            handover.add(new Overflow(watchGeneration));
        }
    }

    @Override
    public void onError(Throwable throwable) {
        if (isCurrent()) {
            handover.add(new Failure(watchGeneration, throwable));
        }
    }

    @Override
    public void onCompleted() {
        if (isCurrent()) {
            handover.add(new Failure(watchGeneration, new IllegalStateException("the etcd watch stream ended")));
        }
    }

    private boolean isCurrent() {
        return watchGeneration == currentGeneration.get();
    }
}
