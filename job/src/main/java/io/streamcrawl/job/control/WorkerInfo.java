package io.streamcrawl.job.control;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * What a running host-scheduler subtask says about itself in its worker key (JSON): the
 * TaskManager it runs on (Flink's resource id and host), its subtask of the operator's
 * parallelism and the attempt, the hosts it holds (hosts with URLs queued) and the pages it
 * released to its fetcher per second over the last refresh interval, as of {@code updatedAt}
 * (epoch ms). Flink does not tell an operator its slot; the subtask and attempt name it in the web UI.
 */
public record WorkerInfo(
        @JsonProperty("taskmanager") String taskManager,
        @JsonProperty("host") String host,
        @JsonProperty("subtask") int subtask,
        @JsonProperty("parallelism") int parallelism,
        @JsonProperty("attempt") int attempt,
        @JsonProperty("hosts_held") long hostsHeld,
        @JsonProperty("pages_per_s") double pagesPerSecond,
        @JsonProperty("updated_at") long updatedAt) {

    // Readers ignore fields they do not know: a later job may say more.
    private static final ObjectMapper JSON = new ObjectMapper().disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write worker info " + this, e);
        }
    }

    /** @throws IllegalArgumentException when {@code json} is no worker info */
    public static WorkerInfo fromJson(String json) {
        try {
            return JSON.readValue(json, WorkerInfo.class);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a worker info: " + json, e);
        }
    }

    /** crawlctl's line: {@code taskmanager=<id> host=<h> subtask=<i>/<n> attempt=<a> hosts_held=<n> pages_per_s=<r>}. */
    public String line() {
        return String.format(Locale.ROOT, "taskmanager=%s host=%s subtask=%d/%d attempt=%d hosts_held=%d pages_per_s=%.1f",
                taskManager, host, subtask, parallelism, attempt, hostsHeld, pagesPerSecond);
    }
}
