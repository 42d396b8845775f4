package io.streamcrawl.job.model;

import java.util.Locale;

/**
 * Where a fetch that got no usable response failed, which with the status decides whom the
 * failure is about ({@link FailureScope}). {@link #NONE} for a response and for a request that
 * never went to the network (deferred, refused, invalid).
 */
public enum FailureCause {
    NONE,
    /** No connection to send on: DNS, connection refused, connect timeout, TLS handshake. */
    CONNECT,
    /** Sent, and no response head came (timeout or reset) while the host sent no other head either. */
    HEAD,
    /** Sent, and no response head came, while the host answered other requests sent no earlier. */
    HEAD_WHILE_HOST_ANSWERS,
    /** The head came and the body failed: a reset, the per-fetch deadline (a slow body), an undecodable encoding. */
    BODY;

    /** The name in frontier entries ({@code cause}). */
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The cause of a wire name; null when unknown (an older or newer build's name). */
    public static FailureCause ofWireName(String name) {
        for (FailureCause cause : values()) {
            if (cause.wireName().equals(name)) {
                return cause;
            }
        }
        return null;
    }
}
