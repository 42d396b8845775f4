package io.streamcrawl.connectors.etcd;

import org.apache.flink.annotation.PublicEvolving;

import javax.annotation.Nullable;

import static org.apache.flink.util.Preconditions.checkNotNull;

/**
 * One change of one key under the watched prefix, as emitted by {@link EtcdWatchSource}.
 *
 * <p>{@code revision} is the key's mod revision: the etcd revision of the put or delete. Several
 * events may share a revision when one transaction changed several keys. Keys and values are
 * decoded as UTF-8. {@code value} is {@code null} for {@link Type#DELETE}.
 *
 * <p>Flink serializes this record with its POJO serializer (no Kryo): components may be added
 * later, never renamed or retyped. The canonical constructor does not validate, because Flink
 * builds instances reflectively; use {@link #put} and {@link #delete}.
 */
@PublicEvolving
public record EtcdKeyEvent(Type type, String key, @Nullable String value, long revision) {

    /** What happened to the key. */
    public enum Type {
        PUT,
        DELETE
    }

    /** A key that was created or overwritten at {@code revision}. */
    public static EtcdKeyEvent put(String key, String value, long revision) {
        return new EtcdKeyEvent(Type.PUT, checkNotNull(key, "key"), checkNotNull(value, "value"), revision);
    }

    /** A key that was deleted at {@code revision}. */
    public static EtcdKeyEvent delete(String key, long revision) {
        return new EtcdKeyEvent(Type.DELETE, checkNotNull(key, "key"), null, revision);
    }
}
