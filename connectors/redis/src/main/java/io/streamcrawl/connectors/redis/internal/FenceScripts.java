package io.streamcrawl.connectors.redis.internal;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.apache.flink.annotation.Internal;

/**
 * The Lua scripts of {@link io.streamcrawl.connectors.redis.StreamFence}: KEYS[1] is the stream's
 * fence key, ARGV[1] the caller's token; the stream commands also have KEYS[2], the stream. A
 * script runs atomically, so no other holder can take the fence between the check and the command.
 */
@Internal
public final class FenceScripts {
    private FenceScripts() {}

    private static final String NOW_MS =
            "local function now_ms() local t = redis.call('TIME')"
                    + " return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) end\n";

    /**
     * Fails the script unless the fence holds ARGV[1] and has not lapsed (it lapses at its {@code until}): with FENCED when another
     * token holds it and has not lapsed, else (none, or lapsed) with FENCEWAIT.
     */
    private static final String CHECK = NOW_MS
            + "local f = redis.call('HMGET', KEYS[1], 'token', 'until')\n"
            + "local late = f[2] and (now_ms() - tonumber(f[2])) or 1\n"
            + "if f[1] ~= ARGV[1] and late < 0 then return redis.error_reply('FENCED fence ' .. KEYS[1]"
            + " .. ' is held by token ' .. f[1] .. ', not ' .. ARGV[1] .. ': another job owns the streams') end\n"
            + "if late >= 0 then return redis.error_reply('FENCEWAIT fence ' .. KEYS[1] .. ' is not confirmed for token '"
            + " .. ARGV[1] .. ' (held by ' .. tostring(f[1]) .. ', lapsed ' .. late .. ' ms ago)') end\n";

    /** ARGV: token, revision, valid ms. Takes or renews the fence unless a later revision holds it. */
    public static final String HOLD = NOW_MS
            + "local rev = redis.call('HGET', KEYS[1], 'revision')\n"
            + "if rev and tonumber(rev) > tonumber(ARGV[2]) then return redis.error_reply('FENCED fence ' .. KEYS[1]"
            + " .. ' was taken by token ' .. tostring(redis.call('HGET', KEYS[1], 'token')) .. ' at revision ' .. rev"
            + " .. ', after revision ' .. ARGV[2] .. ' of token ' .. ARGV[1]) end\n"
            + "redis.call('HSET', KEYS[1], 'token', ARGV[1], 'revision', ARGV[2], 'until', now_ms() + tonumber(ARGV[3]))\n"
            + "return 1\n";

    /** ARGV: token, maxlen (0: none), then per entry the number of field and value strings and those. */
    static final String XADD = CHECK
            + "local ids = {}\n"
            + "local i = 3\n"
            + "while i <= #ARGV do\n"
            + "  local n = tonumber(ARGV[i])\n"
            + "  local args = {KEYS[2]}\n"
            + "  if ARGV[2] ~= '0' then args[#args + 1] = 'MAXLEN'; args[#args + 1] = '~'; args[#args + 1] = ARGV[2] end\n"
            + "  args[#args + 1] = '*'\n"
            + "  for j = i + 1, i + n do args[#args + 1] = ARGV[j] end\n"
            + "  ids[#ids + 1] = redis.call('XADD', unpack(args))\n"
            + "  i = i + n + 1\n"
            + "end\n"
            + "return ids\n";

    /** ARGV: token, group, delete (1/0), IDs. */
    static final String ACK = CHECK
            + "local ids = {}\n"
            + "for i = 4, #ARGV do ids[#ids + 1] = ARGV[i] end\n"
            + "local n = redis.call('XACK', KEYS[2], ARGV[2], unpack(ids))\n"
            + "if ARGV[3] == '1' then redis.call('XDEL', KEYS[2], unpack(ids)) end\n"
            + "return n\n";

    /** ARGV: token, group, consumer, count, from ID or '>'. No BLOCK: Redis refuses it in scripts. */
    static final String READ = CHECK
            + "return redis.call('XREADGROUP', 'GROUP', ARGV[2], ARGV[3], 'COUNT', ARGV[4], 'STREAMS', KEYS[2], ARGV[5])\n";

    /** ARGV: token, group, consumer, min idle ms, IDs. */
    static final String CLAIM = CHECK
            + "local ids = {}\n"
            + "for i = 5, #ARGV do ids[#ids + 1] = ARGV[i] end\n"
            + "return redis.call('XCLAIM', KEYS[2], ARGV[2], ARGV[3], ARGV[4], unpack(ids))\n";

    static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing from the JVM", e);
        }
    }

    /** Whether {@code e} or a cause is a Redis error reply that starts with {@code code}. */
    public static boolean replyStartsWith(Throwable e, String code) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String m = t.getMessage();
            if (m != null && (m.startsWith(code + " ") || m.contains(": " + code + " "))) {
                return true;
            }
        }
        return false;
    }
}
