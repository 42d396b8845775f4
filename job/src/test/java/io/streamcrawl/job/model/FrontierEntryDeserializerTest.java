package io.streamcrawl.job.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;


import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.apache.flink.util.Collector;
import org.apache.flink.api.common.functions.util.ListCollector;
import org.junit.jupiter.api.Test;

class FrontierEntryDeserializerTest {
    private final FrontierEntryDeserializer deserializer = new FrontierEntryDeserializer();

    private List<FrontierEntry> decode(Map<String, String> fields) {
        List<FrontierEntry> out = new ArrayList<>();
        Collector<FrontierEntry> collector = new ListCollector<>(out);
        deserializer.deserialize("s", "1-0", fields, collector);
        return out;
    }

    @Test
    void decodesTheMinimalEntryOfTheWireFormatWithANormalizedUrl() {
        assertThat(decode(Map.of("url", "HTTP://Example.org:80/a/../b#x", "task", "news")))
                .containsExactly(new FrontierEntry("http://example.org/b", "news", 0, 0, null));
    }

    @Test
    void decodesAllFields() {
        assertThat(decode(Map.of("url", "https://a.org/", "task", "t", "depth", "3", "priority", "-2",
                        "parent", "https://a.org/p", "kind", "url")))
                .containsExactly(new FrontierEntry("https://a.org/", "t", 3, -2, "https://a.org/p"));
    }

    @Test
    void rejectsMalformedEntriesWithAReason() {
        assertThatThrownBy(() -> decode(Map.of("url", "https://a.org/"))).hasMessage("missing field 'task'");
        assertThatThrownBy(() -> decode(Map.of("task", "t"))).hasMessage("missing field 'url'");
        assertThatThrownBy(() -> decode(Map.of("url", "not a url", "task", "t"))).hasMessageContaining("is not an http(s) URL");
        assertThatThrownBy(() -> decode(Map.of("url", "https://a.org/", "task", "t", "depth", "x")))
                .hasMessage("field 'depth' is not an integer: 'x'");
        assertThatThrownBy(() -> decode(Map.of("url", "https://a.org/", "task", "t/x"))).hasMessageContaining("invalid task name");
        assertThatThrownBy(() -> decode(Map.of("url", "https://a.org/", "task", "t", "kind", "bogus")))
                .hasMessage("unsupported kind 'bogus'");
        assertThatThrownBy(() -> decode(Map.of("url", "https://a.org/", "task", "t", "kind", "host")))
                .hasMessage("missing field 'signal'");
        assertThatThrownBy(() -> decode(Map.of("url", "https://a.org/", "task", "t", "kind", "host", "signal", "x")))
                .hasMessage("unsupported signal 'x'");
    }

    @Test
    void captureEntriesRoundTripThroughTheWireFormat() {
        FrontierEntrySerializer serializer = new FrontierEntrySerializer("f:", 4);
        FrontierEntry capture = FrontierEntry.feedback("https://a.org/x", "t", EntryKind.CAPTURE, HostFeedback.capture(304,
                new PageValidators("W/\"1\"", "Thu, 01 Jan 2026 00:00:00 GMT", "sha1:ABC", 1_700_000_000_000L), 5));
        FrontierEntry bare = FrontierEntry.feedback("https://a.org/y", "t", EntryKind.CAPTURE,
                HostFeedback.capture(200, new PageValidators(null, null, null, 7), 5));

        assertThat(serializer.serialize(capture).fields()).containsEntry("kind", "capture").containsEntry("status", "304")
                .containsEntry("etag", "W/\"1\"").containsEntry("last_modified", "Thu, 01 Jan 2026 00:00:00 GMT")
                .containsEntry("digest", "sha1:ABC").containsEntry("captured_at", "1700000000000")
                .containsEntry("released_at", "5").doesNotContainKey("signal");
        assertThat(decode(serializer.serialize(capture).fields())).containsExactly(capture);
        assertThat(serializer.serialize(bare).fields()).doesNotContainKeys("etag", "last_modified", "digest");
        assertThat(decode(serializer.serialize(bare).fields())).containsExactly(bare);
    }

    @Test
    void aSitemapsHintRoundTripsThroughTheWireFormat() {
        FrontierEntrySerializer serializer = new FrontierEntrySerializer("f:", 4);
        FrontierEntry lastmod = FrontierEntry.builder("https://a.org/x", "t").change(ChangeHint.of(1_700_000_000_000L, 0)).build();
        FrontierEntry changefreq = FrontierEntry.builder("https://a.org/y", "t").change(ChangeHint.of(0, 3_600_000)).build();

        assertThat(serializer.serialize(lastmod).fields()).containsEntry("lastmod", "1700000000000")
                .doesNotContainKey("changefreq_ms");
        assertThat(serializer.serialize(changefreq).fields()).containsEntry("changefreq_ms", "3600000");
        assertThat(decode(serializer.serialize(lastmod).fields())).containsExactly(lastmod);
        assertThat(decode(serializer.serialize(changefreq).fields())).containsExactly(changefreq);
        assertThat(lastmod.redirectTo("https://a.org/z").change()).isNull();
    }

    @Test
    void feedbackEntriesRoundTripThroughTheWireFormat() {
        FrontierEntrySerializer serializer = new FrontierEntrySerializer("f:", 4);
        FrontierEntry url = new FrontierEntry("https://a.org/x", "t", 2, 1, "https://a.org/");
        FrontierEntry retry = url.retry(HostFeedback.of(HostSignal.BUSY, 0, "deferred: host busy"));
        FrontierEntry sitemap = url.as(EntryKind.SITEMAP);
        FrontierEntry robots = FrontierEntry.feedback("https://a.org/robots.txt", "t", EntryKind.ROBOTS,
                HostFeedback.robots(200, null, "User-agent: *\nDisallow: /x\n"));
        FrontierEntry failed = new FrontierEntry("https://a.org/y", "t", 1, 0, null).redirectTo("https://a.org/z")
                .retryAfterFailure(HostFeedback.builder(HostSignal.FAILED).status(429).retryAfterMs(5_000)
                        .releasedAt(1_700_000_000_000L).build());
        FrontierEntry head = new FrontierEntry("https://a.org/h", "t", 0, 0, null).retryAfterFailure(
                HostFeedback.builder(HostSignal.URL_FAILED).error("timeout")
                        .cause(FailureCause.HEAD_WHILE_HOST_ANSWERS).releasedAt(5).build());

        Map<String, String> fields = serializer.serialize(retry).fields();

        assertThat(fields).containsEntry("retry", "true").containsEntry("signal", "busy")
                .doesNotContainKeys("kind", "status");
        assertThat(serializer.serialize(url).fields()).doesNotContainKeys("kind", "signal", "retry");
        assertThat(serializer.serialize(robots).fields()).containsEntry("kind", "robots").containsEntry("status", "200")
                .doesNotContainKey("signal");
        assertThat(decode(fields)).containsExactly(retry);
        assertThat(decode(serializer.serialize(sitemap).fields())).containsExactly(sitemap);
        assertThat(decode(serializer.serialize(robots).fields())).containsExactly(robots);
        assertThat(serializer.serialize(failed).fields()).containsEntry("attempt", "1").containsEntry("redirects", "1")
                .containsEntry("retry_after_ms", "5000").containsEntry("signal", "failed")
                .containsEntry("released_at", "1700000000000").doesNotContainKey("cause");
        assertThat(decode(serializer.serialize(failed).fields())).containsExactly(failed);
        assertThat(serializer.serialize(head).fields()).containsEntry("signal", "url_failed")
                .containsEntry("cause", "head_while_host_answers").containsEntry("released_at", "5");
        assertThat(decode(serializer.serialize(head).fields())).containsExactly(head);
        Map<String, String> older = new HashMap<>(serializer.serialize(head).fields());
        older.remove("released_at");
        older.put("cause", "a-newer-cause");
        assertThat(decode(older)).singleElement().satisfies(entry -> {
            assertThat(entry.feedback().releasedAt()).as("an entry without the field").isZero();
            assertThat(entry.feedback().cause()).isEqualTo(FailureCause.NONE);
        });

        FrontierEntry released = FrontierEntry.builder("https://a.org/r", "t").release(Long.MIN_VALUE + 7).build().retry(HostFeedback.of(HostSignal.BUSY, 0, null));
        assertThat(serializer.serialize(released).fields()).containsEntry("release", Long.toString(Long.MIN_VALUE + 7));
        assertThat(decode(serializer.serialize(released).fields())).containsExactly(released);
    }
}
