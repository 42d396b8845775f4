package io.streamcrawl.connectors.redis.source.reader;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

import javax.annotation.Nullable;

import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;
import org.apache.flink.connector.base.source.reader.RecordsBySplits;
import org.apache.flink.connector.base.source.reader.RecordsWithSplitIds;
import org.apache.flink.connector.base.source.reader.splitreader.SplitReader;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsAddition;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsChange;
import org.apache.flink.connector.base.source.reader.splitreader.SplitsRemoval;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.streamcrawl.connectors.redis.RedisConnectionConfig;
import io.streamcrawl.connectors.redis.internal.ConnectionRetry;
import io.streamcrawl.connectors.redis.internal.RedisClientFactory;
import io.streamcrawl.connectors.redis.internal.RedisFailures;
import io.streamcrawl.connectors.redis.internal.StreamCommands;
import io.streamcrawl.connectors.redis.source.RedisStreamSourceOptions;
import io.streamcrawl.connectors.redis.source.metrics.RedisStreamSourceReaderMetrics;
import io.streamcrawl.connectors.redis.source.reader.StreamCursor.Phase;
import io.streamcrawl.connectors.redis.source.split.RedisStreamSplit;
import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.StreamEntryID;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisDataException;
import redis.clients.jedis.Response;
import redis.clients.jedis.params.XPendingParams;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.resps.StreamPendingEntry;

/**
 * Reads the reader's streams with {@code XREADGROUP}; the only place where the source talks to
 * Redis, always on the split fetcher thread.
 *
 * <p>Each split goes through the phases of {@link StreamCursor}. <b>New</b>: create the consumer
 * group when missing ({@code XGROUP CREATE <stream> <group> 0 MKSTREAM}); for a split restored
 * with a last emitted ID, acknowledge its consumer's pending entries up to that ID (they are inside
 * the restored state), and the claimed entries the state lists. <b>Claimed</b>: re-read the claim
 * consumer's remaining entries, claimed but not emitted before the checkpoint. <b>Pending</b>:
 * re-read the consumer's own pending entries after that ID (or from the start), {@code XREADGROUP
 * ... STREAMS <stream> <id>}, since they were delivered but never covered by a completed
 * checkpoint. <b>Live</b>: read new entries ({@code >}), and claim the entries other consumers
 * of the group hold once they are idle long enough ({@link PendingEntryClaimer}).
 *
 * <p>Redis hands entries to a consumer when it runs {@code XREADGROUP ... >} or {@code XCLAIM},
 * whether or not the reply arrives. So after a transient failure every split goes back to
 * <b>Claimed</b>, and re-reads what its two consumers hold and it has not handed out: the claimed
 * entries not in {@link StreamCursor#claimedUnacknowledged}, then the pending entries after its
 * last handed-out ID. And each read of new entries is checked in the same round trip against what
 * the consumer holds after that ID ({@link HeldEntriesCheck}): an entry another reader took under
 * the consumer's name sends the split back to <b>Pending</b> before anything is handed out.
 *
 * <p>{@link #fetch()} sends one pipelined round trip of non-blocking reads, {@code COUNT n} per
 * split; only when no split has anything does it block ({@code BLOCK ms}) on one live split,
 * taking turns, so a reader of several idle streams sees a new entry within the BLOCK time.
 *
 * <p>{@link #wakeUp()} cannot interrupt a blocked read: Redis would need a command on another
 * connection ({@code CLIENT UNBLOCK}), i.e. I/O on the task thread. It makes the next fetch skip its
 * blocking read and cuts a retry back-off short, so a wake-up takes effect within the BLOCK time.
 *
 * <p>A lost connection is retried with back-off ({@link ConnectionRetry}); a fetch that fails
 * returns no records, and the reader fails once Redis stayed unreachable past the retry timeout.
 */
@Internal
public final class RedisStreamSplitReader implements SplitReader<StreamEntry, RedisStreamSplit> {
    private static final Logger LOG = LoggerFactory.getLogger(RedisStreamSplitReader.class);
    private static final StreamEntryID START = StreamCursor.START;

    private final RedisConnectionConfig connection;
    private final String group;
    private final int subtask;
    private final int count;
    private final Duration block;
    private final StreamCommands commands;
    private final EntryAcknowledger acknowledger;
    private final ConnectionRetry retry;
    private final PendingEntryClaimer claimer;
    private final HeldEntriesCheck heldEntries;
    private final SplitMetricsRefresher metricsRefresher;
    private final RedisStreamSourceReaderMetrics metrics;
    private final AtomicBoolean wakeUp = new AtomicBoolean();
    private final Map<String, StreamCursor> cursors = new LinkedHashMap<>();
    private final AcknowledgedClaims acknowledgedClaims;
    private final Duration noCheckpointWarning;
    /** When entries were first read (System.nanoTime()), until a checkpoint completes; 0 before. */
    private long readWithoutCheckpointSinceNanos;
    private boolean checkpointSeen;

    @Nullable private UnifiedJedis redis;
    private int turn;

    public RedisStreamSplitReader(
            RedisConnectionConfig connection,
            String group,
            ReadableConfig config,
            int subtask,
            RedisStreamSourceReaderMetrics metrics,
            AcknowledgedClaims acknowledgedClaims) {
        this.connection = connection;
        this.acknowledgedClaims = acknowledgedClaims;
        this.noCheckpointWarning = config.get(RedisStreamSourceOptions.NO_CHECKPOINT_WARNING);
        this.metrics = metrics;
        this.group = group;
        this.subtask = subtask;
        this.count = config.get(RedisStreamSourceOptions.FETCH_COUNT);
        this.block = config.get(RedisStreamSourceOptions.FETCH_BLOCK);
        int ackBatchSize = config.get(RedisStreamSourceOptions.ACK_BATCH_SIZE);
        this.commands = StreamCommands.of(config);
        this.acknowledger = new EntryAcknowledger(
                group, ackBatchSize, config.get(RedisStreamSourceOptions.ACK_DELETE), commands);
        this.claimer = new PendingEntryClaimer(
                group, config.get(RedisStreamSourceOptions.CLAIM_MIN_IDLE_TIME), ackBatchSize, commands);
        this.heldEntries = new HeldEntriesCheck(group, count);
        this.metricsRefresher = new SplitMetricsRefresher(group, count);
        this.retry = new ConnectionRetry("Redis stream source " + subtask + " (" + connection.address() + ")", connection, config);
    }

    @Override
    public RecordsWithSplitIds<StreamEntry> fetch() throws IOException {
        Map<String, Collection<StreamEntry>> records = new HashMap<>();
        try {
            fetchInto(records);
            retry.onSuccess();
        } catch (RuntimeException e) {
            RuntimeException failure = retry.explain(e);
            if (!ConnectionRetry.isTransient(failure)) {
                throw RedisFailures.nonRetryable("Redis stream source " + subtask + " failed to read "
                        + cursors.keySet() + " as group " + group, connection, failure);
            }
            close();
            cursors.values().forEach(StreamCursor::rereadUnemitted);
            retry.onFailure(failure);
        }
        return new RecordsBySplits<>(records, Set.of());
    }

    private void fetchInto(Map<String, Collection<StreamEntry>> records) {
        read(records);
        metricsRefresher.refreshIfDue(client(), cursors.values());
        warnIfNoCheckpointCompletes(!records.isEmpty());
    }

    /**
     * Without completed checkpoints nothing is ever acknowledged, so pending lists and streams only
     * grow; the job's configuration is out of a source reader's sight, hence this check over time.
     */
    private void warnIfNoCheckpointCompletes(boolean read) {
        if (checkpointSeen) {
            return;
        }
        long now = System.nanoTime();
        if (readWithoutCheckpointSinceNanos == 0) {
            readWithoutCheckpointSinceNanos = read ? now : 0;
        } else if (now - readWithoutCheckpointSinceNanos > noCheckpointWarning.toNanos()) {
            checkpointSeen = true;
            LOG.warn("Redis stream source {}: no checkpoint has completed in the {} since it started reading {};"
                            + " entries are acknowledged only when a checkpoint completes, so until then the group's"
                            + " pending entries and the streams only grow. Is checkpointing enabled?",
                    subtask, noCheckpointWarning, cursors.keySet());
        }
    }

    private void read(Map<String, Collection<StreamEntry>> records) {
        for (StreamCursor cursor : cursors.values()) {
            if (cursor.phase == Phase.NEW) {
                prepare(cursor);
            }
            try {
                if (cursor.phase == Phase.CLAIMED) {
                    rereadClaimed(cursor, records);
                } else if (cursor.phase == Phase.LIVE && !cursor.othersWithPending.isEmpty()) {
                    addClaimed(cursor, claimer.claim(client(), cursor), records);
                    cursor.othersWithPending = Map.of();
                }
            } catch (JedisDataException e) {
                onDataError(cursor, e);
            }
        }
        List<StreamCursor> readable = new ArrayList<>();
        cursors.values().stream().filter(c -> c.phase == Phase.PENDING || c.phase == Phase.LIVE).forEach(readable::add);
        if (!readable.isEmpty()) {
            readWithoutBlocking(readable, records);
        }
        if (!records.isEmpty() || wakeUp.getAndSet(false)) {
            return;
        }
        List<StreamCursor> live = new ArrayList<>();
        cursors.values().stream().filter(c -> c.phase == Phase.LIVE).forEach(live::add);
        if (!live.isEmpty()) {
            StreamCursor cursor = live.get(Math.floorMod(turn++, live.size()));
            try {
                // A blocking command cannot share a pipeline: Jedis extends the socket timeout only for one sent alone.
                XPendingParams held = heldEntries.heldAfterPosition(cursor);
                List<Map.Entry<String, List<StreamEntry>>> reply =
                        commands.readGroup(client(), group, cursor.consumer, count, block, cursor.readFrom());
                accept(cursor, reply, reply == null || reply.isEmpty() ? List.of() : client().xpending(cursor.stream, group, held),
                        records);
            } catch (JedisDataException e) {
                onDataError(cursor, e);
            }
        }
    }

    private void readWithoutBlocking(List<StreamCursor> readable, Map<String, Collection<StreamEntry>> records) {
        List<Supplier<List<Map.Entry<String, List<StreamEntry>>>>> replies = new ArrayList<>(readable.size());
        List<Response<List<StreamPendingEntry>>> held = new ArrayList<>(readable.size());
        try (AbstractPipeline pipeline = RedisClientFactory.pipelined(client())) {
            for (StreamCursor cursor : readable) {
                replies.add(commands.readGroup(pipeline, group, cursor.consumer, count, cursor.readFrom()));
                held.add(pipeline.xpending(cursor.stream, group, heldEntries.heldAfterPosition(cursor)));
            }
            pipeline.sync();
        }
        for (int i = 0; i < readable.size(); i++) {
            try {
                accept(readable.get(i), replies.get(i).get(), RedisClientFactory.reply(held.get(i)), records);
            } catch (JedisDataException e) {
                onDataError(readable.get(i), e);
            }
        }
    }

    /**
     * Hands out what a read returned. {@code held} is what the consumer held after its position
     * once the read had run; it matters only for a read of new entries.
     */
    private void accept(
            StreamCursor cursor,
            @Nullable List<Map.Entry<String, List<StreamEntry>>> reply,
            List<StreamPendingEntry> held,
            Map<String, Collection<StreamEntry>> records) {
        List<StreamEntry> entries = reply == null || reply.isEmpty() ? List.of() : reply.get(0).getValue();
        if (cursor.phase == Phase.PENDING) {
            if (entries.isEmpty()) {
                cursor.phase = Phase.LIVE;
                LOG.info("Stream {}: re-read {} pending entries of consumer {}; reading new entries now",
                        cursor.stream, cursor.reread, cursor.consumer);
                return;
            }
            cursor.pendingFrom = entries.get(entries.size() - 1).getID();
            cursor.reread += entries.size();
        } else if (heldEntries.holdsUnread(cursor, entries, held)) {
            return;
        }
        List<StreamEntry> accepted = new ArrayList<>(entries.size());
        for (StreamEntry entry : entries) {
            if (cursor.lastFetched != null && entry.getID().compareTo(cursor.lastFetched) <= 0) {
                // Redis lost part of its state (e.g. a crash between AOF fsyncs) and delivers again.
                LOG.debug("Stream {}: skipping entry {} delivered again", cursor.stream, entry.getID());
                continue;
            }
            cursor.lastFetched = entry.getID();
            accepted.add(entry);
        }
        addRecords(cursor, accepted, records);
    }

    private void addRecords(StreamCursor cursor, List<StreamEntry> entries, Map<String, Collection<StreamEntry>> records) {
        if (entries.isEmpty()) {
            return;
        }
        entries.forEach(entry -> metrics.recordBytesIn(entry.getFields()));
        records.computeIfAbsent(cursor.stream, stream -> new ArrayList<>()).addAll(entries);
    }

    private void rereadClaimed(StreamCursor cursor, Map<String, Collection<StreamEntry>> records) {
        List<StreamEntry> entries = claimer.rereadClaimed(client(), cursor);
        if (entries.isEmpty()) {
            cursor.rereadPending();
            return;
        }
        addClaimed(cursor, entries, records);
    }

    private void addClaimed(StreamCursor cursor, List<StreamEntry> claimed, Map<String, Collection<StreamEntry>> records) {
        claimed.forEach(entry -> cursor.claimedUnacknowledged.add(entry.getID()));
        addRecords(cursor, claimed, records);
    }

    private void prepare(StreamCursor cursor) {
        try {
            client().xgroupCreate(cursor.stream, group, START, true);
            LOG.info("Created consumer group {} on stream {}", group, cursor.stream);
        } catch (JedisDataException e) {
            if (e.getMessage() == null || !e.getMessage().startsWith("BUSYGROUP")) {
                throw e;
            }
        }
        if (cursor.restoredId != null) {
            long acked = acknowledger.upTo(client(), cursor, cursor.restoredId);
            LOG.info("Stream {}: acknowledged {} pending entries of consumer {} up to the restored position {}",
                    cursor.stream, acked, cursor.consumer, cursor.restoredId);
        }
        acknowledger.ids(client(), cursor, cursor.restoredClaimedIds.stream().map(StreamEntryID::new).toList());
        cursor.phase = Phase.CLAIMED;
        cursor.claimedFrom = START;
    }

    private void onDataError(StreamCursor cursor, JedisDataException e) {
        if (e.getMessage() != null && e.getMessage().startsWith("NOGROUP")) {
            LOG.warn("Stream {}: consumer group {} vanished ({}); creating it again", cursor.stream, group, e.getMessage());
            cursor.phase = Phase.NEW;
            return;
        }
        throw e;
    }

    /**
     * Acknowledges, per stream, the consumer's pending entries up to the given ID: the last ID
     * emitted before a checkpoint that has completed. Runs on the fetcher thread, as a task
     * enqueued by {@link RedisStreamFetcherManager}. A failure is logged, not thrown: the entries
     * stay pending and the next completed checkpoint (or a restore) acknowledges them.
     */
    void acknowledge(long checkpointId, List<RedisStreamSplit> splits, long completedNanos) {
        checkpointSeen = true;
        long acked = 0;
        boolean failed = false;
        for (RedisStreamSplit split : splits) {
            StreamCursor cursor = cursors.get(split.stream());
            if (cursor == null || cursor.phase == Phase.NEW) {
                continue;
            }
            try {
                if (split.lastEmittedId().isPresent()) {
                    acked += acknowledger.upTo(client(), cursor, new StreamEntryID(split.lastEmittedId().get()));
                }
                if (!split.claimedIds().isEmpty()) {
                    List<StreamEntryID> claimed = split.claimedIds().stream().map(StreamEntryID::new).toList();
                    acknowledger.ids(client(), cursor, claimed);
                    claimed.forEach(cursor.claimedUnacknowledged::remove);
                    acknowledgedClaims.add(split.stream(), new ArrayList<>(split.claimedIds()));
                    acked += split.claimedIds().size();
                }
            } catch (RuntimeException failure) {
                failed = true;
                LOG.warn("Stream {}: could not acknowledge the entries of checkpoint {} up to {} ({});"
                                + " the next completed checkpoint acknowledges them",
                        cursor.stream, checkpointId, split.lastEmittedId().orElse("-"), failure.toString());
            }
        }
        if (!failed) {
            metrics.recordCheckpointToAck(Duration.ofNanos(System.nanoTime() - completedNanos).toMillis());
        }
        LOG.debug("Checkpoint {}: acknowledged {} entries", checkpointId, acked);
    }

    @Override
    public void handleSplitsChanges(SplitsChange<RedisStreamSplit> splitsChanges) {
        if (splitsChanges instanceof SplitsAddition) {
            for (RedisStreamSplit split : splitsChanges.splits()) {
                StreamCursor cursor = new StreamCursor(split, group, metrics.split(split.stream()));
                cursors.put(split.stream(), cursor);
                LOG.info("Reading stream {} as consumer {} of group {}, from {}", split.stream(), cursor.consumer,
                        group, split.lastEmittedId().map(id -> "after " + id).orElse("its pending entries"));
            }
        } else if (splitsChanges instanceof SplitsRemoval) {
            splitsChanges.splits().forEach(split -> cursors.remove(split.stream()));
        }
    }

    @Override
    public void wakeUp() {
        wakeUp.set(true);
        retry.wakeUp();
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
            redis = null;
        }
    }

    private UnifiedJedis client() {
        if (redis == null) {
            redis = RedisClientFactory.create(connection, block, "streamcrawl-source-" + subtask);
            commands.load(redis);
        }
        return redis;
    }
}
