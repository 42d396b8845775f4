package io.streamcrawl.connectors.redis;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;

/**
 * A fence on the streams, for the source and the sink: with a key and a token set, every command
 * that changes a stream or a consumer group (XADD, XREADGROUP, XACK, XDEL, XCLAIM) runs in a Lua
 * script that first checks that the fence names this token and has not lapsed ({@link StreamFence}).
 * Unset (the default), the connector sends the plain commands.
 */
@PublicEvolving
public final class RedisFenceOptions {
    public static final ConfigOption<String> KEY =
            ConfigOptions.key("redis.fence.key")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "Base name of the fence keys, one per stream in the stream's slot: <key>{<stream>}"
                                    + " (or <key>{<tag>} for a stream key with a hash tag); empty: no fence.");

    public static final ConfigOption<String> TOKEN =
            ConfigOptions.key("redis.fence.token")
                    .stringType()
                    .defaultValue("")
                    .withDescription(
                            "The token the fence keys must hold for a command to run; a fence held by another"
                                    + " token fails the operator without restarts.");

    private RedisFenceOptions() {}
}
