package io.streamcrawl.job.output;

import io.streamcrawl.job.model.PageRecord;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PageJsonEncoderTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void writesOneJsonObjectPerLineWithThePublicFieldNamesAndTheTextWhenKept() throws Exception {
        PageRecord page = PageRecord.builder("https://example.org/a", "news").finalUrl("https://example.org/b")
                .depth(2).status(200).contentType("text/html").contentLength(1234).title("Caf\u00e9 \"A\"").links(7)
                .fetchedAt("2023-11-14T22:13:20.123Z").fetchMs(42).lang("en-US")
                .contentHash("sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5").simhash(0x8000_0000_0000_001fL)
                .nearDuplicateOf("https://example.org/").text("line one\nline two").build();
        PageRecord failed = PageRecord.builder("https://example.org/c", "news").fetchedAt("2023-11-14T22:13:20.123Z")
                .fetchMs(30_000).error("timeout").build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        new PageJsonEncoder().encode(page, out);
        new PageJsonEncoder().encode(failed, out);

        List<String> lines = out.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(out.toString(StandardCharsets.UTF_8)).endsWith("}\n");
        assertThat(lines).hasSize(2);
        JsonNode first = JSON.readTree(lines.get(0));
        assertThat(first.fieldNames()).toIterable().containsExactly("url", "final_url", "task", "depth", "status",
                "content_type", "content_length", "title", "links", "fetched_at", "fetch_ms", "lang", "content_hash",
                "simhash", "near_duplicate_of", "text");
        assertThat(first.get("depth").isInt()).isTrue();
        assertThat(first.get("content_length").asLong()).isEqualTo(1234);
        assertThat(first.get("title").asText()).isEqualTo("Caf\u00e9 \"A\"");
        assertThat(first.get("simhash").asText()).isEqualTo("800000000000001f");
        assertThat(first.get("text").asText()).isEqualTo("line one\nline two");
        JsonNode second = JSON.readTree(lines.get(1));
        assertThat(second.fieldNames()).toIterable().containsExactly(
                "url", "task", "depth", "status", "content_length", "links", "fetched_at", "fetch_ms", "error");
        assertThat(second.get("error").asText()).isEqualTo("timeout");
    }
}
