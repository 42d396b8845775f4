package io.streamcrawl.job.etcd;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;

/**
 * The value of {@code /streamcrawl/tasks/<task>/hosts}: per-host controls of a task that the
 * URLFrontier API sets and the host schedulers honour, by host as the scheduler keys it. Hosts
 * whose block has passed and that keep the task's delay are dropped on every change, so the value
 * holds only the hosts under control.
 */
public record HostControls(Map<String, Control> hosts) {
    private static final ObjectMapper JSON = new ObjectMapper();

    public static final HostControls NONE = new HostControls(Map.of());

    /**
     * One host's controls.
     *
     * @param blockedUntil epoch milliseconds until which none of the host's URLs are released; 0 for none
     * @param delayMs the spacing between the host's releases instead of the spec's politeness.delayMs; null for the spec's
     */
    public record Control(long blockedUntil, Long delayMs) {
        static final Control NONE = new Control(0, null);

        boolean lapsed(long now) {
            return blockedUntil <= now && delayMs == null;
        }
    }

    public HostControls {
        hosts = hosts == null ? Map.of() : Map.copyOf(hosts);
    }

    /** The controls in a key's value; {@link #NONE} for null (no key). */
    public static HostControls parse(String json) throws IOException {
        return json == null ? NONE : JSON.readValue(json, HostControls.class);
    }

    public Control of(String host) {
        return hosts.getOrDefault(host, Control.NONE);
    }

    /** These controls with the host blocked until {@code until} (0 unblocks it), lapsed hosts dropped at {@code now}. */
    public HostControls blockedUntil(String host, long until, long now) {
        return with(host, new Control(until, of(host).delayMs()), now);
    }

    /** These controls with the host's spacing set ({@code null}: back to the spec's), lapsed hosts dropped at {@code now}. */
    public HostControls delayMs(String host, Long delayMs, long now) {
        return with(host, new Control(of(host).blockedUntil(), delayMs), now);
    }

    private HostControls with(String host, Control control, long now) {
        Map<String, Control> updated = new TreeMap<>(hosts);
        updated.put(host, control);
        updated.values().removeIf(c -> c.lapsed(now));
        return new HostControls(updated);
    }

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write host controls", e);
        }
    }
}
