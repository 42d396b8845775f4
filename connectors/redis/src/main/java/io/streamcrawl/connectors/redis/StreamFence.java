package io.streamcrawl.connectors.redis;

import static org.apache.flink.util.Preconditions.checkArgument;
import static org.apache.flink.util.Preconditions.checkNotNull;

import java.io.Serializable;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ReadableConfig;

import io.streamcrawl.connectors.redis.internal.FenceScripts;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * A fencing token in Redis: who may change a set of streams and their consumer groups.
 *
 * <p>Each stream has a fence key in its own slot (so a Lua script may touch both in a Redis
 * Cluster), a hash of the holder's {@code token}, the {@code revision} it was granted at (a number
 * that grows with every new holder, e.g. the etcd revision of a lease-held owner key) and the
 * {@code until} time (Redis' clock, ms) up to which the holder has confirmed that it still holds
 * it. {@link #hold} writes it: only with a revision at least the stored one, so a holder that
 * took over cannot be undone by an older one that is late.
 *
 * <p>The connectors, given {@link RedisFenceOptions}, check the fence atomically with each command
 * that changes a stream or a group: a fence of another token is an error reply starting with
 * {@value #FENCED} (the operator fails without restarts: another holder owns the streams); a fence
 * that is missing or has lapsed is one starting with {@value #UNCONFIRMED}, retried like a lost
 * connection until the holder confirms it again.
 */
@PublicEvolving
public final class StreamFence implements Serializable {
    private static final long serialVersionUID = 1L;
    public static final String FENCED = "FENCED";
    public static final String UNCONFIRMED = "FENCEWAIT";

    private final String key;
    private final String token;

    public StreamFence(String key, String token) {
        this.key = checkNotNull(key, "key");
        this.token = checkNotNull(token, "token");
        checkArgument(!key.isEmpty() && key.indexOf('{') < 0 && key.indexOf('}') < 0,
                "%s must be non-empty and without braces (the stream's slot is appended in braces), was '%s'",
                RedisFenceOptions.KEY.key(), key);
        checkArgument(!token.isEmpty(), "%s must not be empty with a fence key", RedisFenceOptions.TOKEN.key());
    }

    /** The fence of {@link RedisFenceOptions}, if a key is set. */
    public static Optional<StreamFence> of(ReadableConfig options) {
        String key = options.get(RedisFenceOptions.KEY);
        return key.isEmpty() ? Optional.empty() : Optional.of(new StreamFence(key, options.get(RedisFenceOptions.TOKEN)));
    }

    public String key() {
        return key;
    }

    public String token() {
        return token;
    }

    /**
     * The fence key of a stream: the base key with a hash tag in the stream's slot, e.g. {@code
     * f{streamcrawl:pages}} and {@code f{0}} for {@code frontier:{0}}: the stream's own hash tag, else
     * its name, which Redis then hashes whole; a name with a closing brace cannot stand in braces, so
     * the first short tag ({@code 0}, {@code 1}, ... in base 36) of its slot stands for it.
     */
    public String keyOf(String stream) {
        int open = stream.indexOf('{');
        int close = open < 0 ? -1 : stream.indexOf('}', open + 1);
        if (close > open + 1) {
            return key + "{" + stream.substring(open + 1, close) + "}";
        }
        if (stream.indexOf('}') < 0) {
            return key + "{" + stream + "}";
        }
        int slot = JedisClusterCRC16.getSlot(stream);
        for (int i = 0; ; i++) {
            String tag = Integer.toString(i, 36);
            if (JedisClusterCRC16.getSlot(tag) == slot) {
                return key + "{" + tag + "}";
            }
        }
    }

    /**
     * Takes or renews the fence of each stream for this token: granted at {@code revision} and
     * confirmed for {@code valid} from now (Redis' clock). Blocking, on the caller's thread.
     *
     * @throws redis.clients.jedis.exceptions.JedisDataException starting with {@value #FENCED}
     *     when a holder with a higher revision took a stream's fence
     */
    public void hold(UnifiedJedis redis, Collection<String> streams, long revision, Duration valid) {
        for (String stream : streams) {
            redis.eval(FenceScripts.HOLD, List.of(keyOf(stream)),
                    List.of(token, Long.toString(revision), Long.toString(Math.max(0, valid.toMillis()))));
        }
    }

    /** Whether a failure, or one of its causes, is a fence of another token. */
    public static boolean isFenced(Throwable e) {
        return FenceScripts.replyStartsWith(e, FENCED);
    }

    @Override
    public String toString() {
        return "StreamFence{key=" + key + ", token=" + token + "}";
    }
}
