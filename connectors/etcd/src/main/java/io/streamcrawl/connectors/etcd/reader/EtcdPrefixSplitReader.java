package io.streamcrawl.connectors.etcd.reader;

import io.streamcrawl.connectors.etcd.EtcdConnectionConfig;
import io.streamcrawl.connectors.etcd.EtcdWatchSourceOptions;
import io.streamcrawl.connectors.etcd.metrics.EtcdSourceReaderMetrics;
import io.streamcrawl.connectors.etcd.reader.EtcdResponse.Failure;
import io.streamcrawl.connectors.etcd.reader.EtcdResponse.Overflow;
import io.streamcrawl.connectors.etcd.reader.EtcdResponse.SnapshotPage;
import io.streamcrawl.connectors.etcd.reader.EtcdResponse.WatchCreated;
import io.streamcrawl.connectors.etcd.reader.EtcdResponse.WatchEvents;
import io.streamcrawl.connectors.etcd.split.EtcdPrefixSplit;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.OptionsUtil;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.annotation.Nullable;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.streamcrawl.connectors.etcd.split.EtcdPrefixSplit.NO_REVISION;
import static org.apache.flink.util.Preconditions.checkState;

/**
 * Reads one prefix of etcd: a consistent, paged read of every key at one revision R (one PUT per
 * key), then a watch from R + 1. A split restored at revision N watches from N + 1 directly.
 *
 * <p>Threading: {@link #fetch()}, {@link #handleSplitsChanges} and {@link #close()} run on the
 * fetcher thread, which owns all state here and issues every etcd request. jetcd's callbacks only
 * put responses into a bounded {@link Handover}; {@code fetch()} waits on it, and
 * {@link #wakeUp()} ends that wait. Nothing blocks a jetcd thread.
 *
 * <p>Recovery never relies on jetcd's own watch resumption: on any watch failure the watch is
 * closed and re-created from the last revision handed to Flink, after a doubling back-off
 * ({@link EtcdWatchSourceOptions#RETRY_INITIAL_BACKOFF}). If etcd can no longer replay that history
 * (compaction, or a cluster restored to an older revision), the prefix is read again and the watch
 * continues from there. That read is compared with the {@link KnownKeys} (restored from the
 * split): it emits a PUT for each key that is new or has another mod revision, a DELETE for each
 * known key that is gone, and nothing for unchanged keys.
 *
 * <p>An outage (failures with no page read and no watch established since the first of them) that
 * lasts longer than {@link EtcdWatchSourceOptions#RETRY_TIMEOUT} fails {@link #fetch()}, and so
 * the job.
 */
@Internal
public final class EtcdPrefixSplitReader implements SplitReader<EtcdSourceRecord, EtcdPrefixSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(EtcdPrefixSplitReader.class);
    /** Upper bound of one wait in fetch(); responses and wakeUp() end it earlier. */
    private static final Duration MAX_WAIT = Duration.ofSeconds(10);
    private static final ByteSequence ZERO_BYTE = ByteSequence.from(new byte[] {0});

    private enum Phase {
        IDLE,
        READ_DUE,
        READING,
        WATCH_DUE,
        WATCHING
    }

    private final Client client;
    private final Handover<EtcdResponse> handover;
    private final EtcdSourceReaderMetrics metrics;
    private final int pageSize;
    private final Duration requestTimeout;
    private final EtcdRetry retry;
    private final String address;
    /** Bumped whenever requests are abandoned; read by jetcd threads to drop late responses early. */
    private final AtomicLong generation = new AtomicLong();

    @Nullable private String splitId;
    @Nullable private ByteSequence prefix;
    private Phase phase = Phase.IDLE;
    private long dueAtNanos;
    /** Every change through this revision has been handed to Flink. */
    private long handedOverThrough = NO_REVISION;
    /** The revision the current prefix read is pinned to, once its first page answered. */
    private long readRevision = NO_REVISION;
    @Nullable private ByteSequence readNextKey;
    private long readKeys;
    @Nullable private Watch.Watcher watcher;
    private KnownKeys known = new KnownKeys(Map.of());

    public EtcdPrefixSplitReader(EtcdConnectionConfig connection, Configuration config, EtcdSourceReaderMetrics metrics) {
        this.metrics = metrics;
        this.pageSize = config.get(EtcdWatchSourceOptions.SNAPSHOT_PAGE_SIZE);
        this.requestTimeout = config.get(EtcdWatchSourceOptions.REQUEST_TIMEOUT);
        this.retry = new EtcdRetry(config);
        this.address = connection.address();
        this.handover = new Handover<>(config.get(EtcdWatchSourceOptions.HANDOVER_CAPACITY));
        // Fail requests at once while etcd cannot be reached rather than wait for it: this reader
        // retries by itself, and a refused TLS handshake then shows its cause instead of a timeout.
        this.client = connection.clientBuilder().waitForReady(false).build();
    }

    @Override
    public RecordsWithSplitIds<EtcdSourceRecord> fetch() throws IOException {
        startDueRequest();
        List<EtcdResponse> responses;
        try {
            responses = handover.pollAll(timeToWait());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for etcd", e);
        }
        List<EtcdSourceRecord> records = new ArrayList<>();
        for (EtcdResponse response : responses) {
            // A response handled earlier in this loop may have abandoned the rest.
            if (response.generation() == generation.get()) {
                handle(response, records);
            }
        }
        // Fails the job over once etcd has been unreachable too long.
        retry.failIfPastDeadline(describe());
        RecordsBySplits.Builder<EtcdSourceRecord> batch = new RecordsBySplits.Builder<>();
        if (!records.isEmpty()) {
            batch.addAll(splitId, records);
        }
        return batch.build();
    }


    @Override
    public void handleSplitsChanges(SplitsChange<EtcdPrefixSplit> change) {
        if (!(change instanceof SplitsAddition)) {
            // The enumerator never takes the split away; should Flink remove it, stop reading it.
            for (EtcdPrefixSplit split : change.splits()) {
                if (split.splitId().equals(splitId)) {
                    LOG.info("Stopped reading etcd prefix '{}': {}", splitId, change);
                    abandonRequests();
                    splitId = null;
                    phase = Phase.IDLE;
                }
            }
            return;
        }
        for (EtcdPrefixSplit split : change.splits()) {
            checkState(splitId == null, "an etcd prefix split reader reads one split; has %s, got %s", splitId, split);
            splitId = split.splitId();
            prefix = utf8(split.prefix());
            handedOverThrough = split.revision();
            known = new KnownKeys(split.knownKeys());
            metrics.handedOverThrough(handedOverThrough);
            if (split.hasRevision()) {
                LOG.info("Resuming etcd prefix '{}' from revision {}", split.prefix(), split.revision() + 1);
                schedule(Phase.WATCH_DUE, Duration.ZERO);
            } else {
                schedule(Phase.READ_DUE, Duration.ZERO);
            }
        }
    }

    @Override
    public void wakeUp() {
        handover.wakeUp();
    }

    @Override
    public void close() throws Exception {
        abandonRequests();
        handover.close();
        client.close();
    }

    private void startDueRequest() {
        if ((phase == Phase.READ_DUE || phase == Phase.WATCH_DUE) && System.nanoTime() - dueAtNanos >= 0) {
            if (phase == Phase.READ_DUE) {
                requestPage();
            } else {
                startWatch();
            }
        }
    }

    private Duration timeToWait() {
        // A watch that is never established reports nothing: wake up at the retry deadline regardless.
        Duration wait = retry.timeToDeadline(MAX_WAIT);
        if (phase == Phase.READ_DUE || phase == Phase.WATCH_DUE) {
            long nanos = Math.max(0, dueAtNanos - System.nanoTime());
            return nanos < wait.toNanos() ? Duration.ofNanos(nanos) : wait;
        }
        return wait;
    }

    private void handle(EtcdResponse response, List<EtcdSourceRecord> out) throws IOException {
        if (response instanceof SnapshotPage page) {
            onPage(page.response(), out);
        } else if (response instanceof WatchCreated created) {
            onWatchCreated(created.headerRevision());
        } else if (response instanceof WatchEvents events) {
            onWatchEvents(events.events(), out);
        } else if (response instanceof Overflow) {
            LOG.info("Flink is behind the etcd watch on '{}'; re-watching from revision {}",
                    splitId, handedOverThrough + 1);
            metrics.watchRestarted();
            abandonRequests();
            schedule(Phase.WATCH_DUE, Duration.ZERO);
        } else if (response instanceof Failure failure) {
            onFailure(EtcdErrors.unwrap(failure.cause()));
        }
    }

    // ---------------------------------------------------------------- prefix read

    private void requestPage() {
        long requestGeneration = generation.get();
        GetOption.Builder option = GetOption.builder()
                .withRange(OptionsUtil.prefixEndOf(prefix))
                .withLimit(pageSize);
        if (readRevision != NO_REVISION) {
            option.withRevision(readRevision);
        }
        ByteSequence from = readNextKey == null ? prefix : readNextKey;
        client.getKVClient()
                .get(from, option.build())
                .orTimeout(requestTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .whenComplete((response, error) -> deliver(error == null
                        ? new SnapshotPage(requestGeneration, response)
                        : new Failure(requestGeneration, error)));
        phase = Phase.READING;
    }

    private void onPage(GetResponse response, List<EtcdSourceRecord> out) {
        if (readRevision == NO_REVISION) {
            readRevision = response.getHeader().getRevision();
            known.startRead();
        }
        List<KeyValue> kvs = response.getKvs();
        out.addAll(EtcdRecords.fromRead(kvs, known));
        readKeys += kvs.size();
        retry.onSuccess();
        if (response.isMore() && !kvs.isEmpty()) {
            readNextKey = kvs.get(kvs.size() - 1).getKey().concat(ZERO_BYTE);
            requestPage();
            return;
        }
        out.addAll(EtcdRecords.deletedBefore(known.endRead(), readRevision));
        out.add(EtcdSourceRecord.position(readRevision));
        LOG.info("Read {} keys under etcd prefix '{}' at revision {}", readKeys, splitId, readRevision);
        metrics.prefixRead();
        setHandedOverThrough(readRevision);
        readRevision = NO_REVISION;
        readNextKey = null;
        readKeys = 0;
        startWatch();
    }

    // ---------------------------------------------------------------- watch

    private void startWatch() {
        WatchOption option = WatchOption.builder()
                .isPrefix(true)
                .withRevision(handedOverThrough + 1)
                .withCreateNotify(true)
                .build();
        watcher = client.getWatchClient().watch(prefix, option, new HandoverWatchListener(generation.get(), generation, handover));
        phase = Phase.WATCHING;
    }

    private void onWatchCreated(long headerRevision) {
        if (headerRevision < handedOverThrough) {
            LOG.warn("etcd is at revision {}, behind revision {} already emitted for prefix '{}': the cluster"
                            + " was restored or replaced. Reading the prefix again.",
                    headerRevision, handedOverThrough, splitId);
            metrics.resync();
            known.forgetRevisions();
            readAgain();
            return;
        }
        int failed = retry.onSuccess();
        if (failed > 0) {
            LOG.info("Watch on etcd prefix '{}' re-established from revision {} after {} failed attempt(s)",
                    splitId, handedOverThrough + 1, failed);
        } else {
            LOG.info("Watching etcd prefix '{}' from revision {}", splitId, handedOverThrough + 1);
        }
    }

    private void onWatchEvents(List<WatchEvent> events, List<EtcdSourceRecord> out) {
        List<EtcdSourceRecord> records = EtcdRecords.fromWatch(events, handedOverThrough);
        if (!records.isEmpty()) {
            for (EtcdSourceRecord record : records) {
                if (record.event() != null) {
                    known.apply(record.event());
                }
            }
            out.addAll(records);
            setHandedOverThrough(records.get(records.size() - 1).positionAfter());
        }
    }

    // ---------------------------------------------------------------- failures

    private void onFailure(Throwable cause) throws IOException {
        String permanent = EtcdErrors.permanentFailure(cause);
        if (permanent != null) {
            // Credentials or certificates do not heal: waiting for etcd.retry.timeout would only hide it.
            throw new IOException(describe() + ": " + permanent, cause);
        }
        Phase failed = phase;
        abandonRequests();
        if (EtcdErrors.isCompaction(cause)) {
            metrics.resync();
            if (failed == Phase.READING) {
                LOG.warn("etcd compacted revision {} while prefix '{}' was read at it; reading again at the"
                        + " current revision", readRevision, splitId);
            } else {
                LOG.warn("etcd compacted the history of prefix '{}' after revision {} ({}): changes since then"
                                + " cannot be replayed. Reading the prefix again: changed keys are emitted as PUT,"
                                + " keys deleted meanwhile as DELETE at the read's revision.",
                        splitId, handedOverThrough, cause.getMessage());
            }
            readAgain();
            return;
        }
        Duration delay = retry.onFailure(cause);
        if (failed == Phase.READING) {
            LOG.warn("Reading etcd prefix '{}' failed (attempt {}), retrying in {}: {}",
                    splitId, retry.failuresInARow(), delay, cause.toString());
            schedule(Phase.READ_DUE, delay);
        } else {
            metrics.watchRestarted();
            LOG.warn("Watch on etcd prefix '{}' interrupted (attempt {}), resuming from revision {} in {}: {}",
                    splitId, retry.failuresInARow(), handedOverThrough + 1, delay, cause.toString());
            schedule(Phase.WATCH_DUE, delay);
        }
        LOG.debug("etcd failure on prefix '{}'", splitId, cause);
    }

    private void readAgain() {
        abandonRequests();
        readRevision = NO_REVISION;
        readNextKey = null;
        readKeys = 0;
        schedule(Phase.READ_DUE, Duration.ZERO);
    }

    // ---------------------------------------------------------------- plumbing

    /** Closes the watch and makes every response still in flight stale. */
    private void abandonRequests() {
        generation.incrementAndGet();
        if (watcher != null) {
            try {
                watcher.close();
            } catch (RuntimeException e) {
                LOG.debug("Closing the etcd watcher of '{}' failed", splitId, e);
            }
            watcher = null;
        }
    }

    private void schedule(Phase due, Duration delay) {
        phase = due;
        dueAtNanos = System.nanoTime() + delay.toNanos();
    }

    private void setHandedOverThrough(long revision) {
        handedOverThrough = revision;
        metrics.handedOverThrough(revision);
    }

    /** Called on jetcd threads with the answer to a read; one read is in flight at a time. */
    private void deliver(EtcdResponse response) {
        if (response.generation() == generation.get()) {
            handover.add(response);
        }
    }

    /** Names the source in error messages: prefix, endpoints and user. */
    private String describe() {
        return "etcd watch source of prefix '" + splitId + "' " + address;
    }

    private static ByteSequence utf8(String s) {
        return ByteSequence.from(s, StandardCharsets.UTF_8);
    }
}
