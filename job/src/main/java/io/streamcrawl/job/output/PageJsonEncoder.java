package io.streamcrawl.job.output;

import io.streamcrawl.job.model.PageRecord;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;

import org.apache.flink.api.common.serialization.Encoder;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;

/**
 * Writes a {@link PageRecord} as one line of JSON (UTF-8, {@code \n}-terminated): its public
 * fields as in the page stream, numbers as numbers, absent fields left out, plus {@code text}
 * when the record carries it.
 */
public final class PageJsonEncoder implements Encoder<PageRecord> {
    private static final long serialVersionUID = 1L;
    /** Leaves the part file's stream open: the sink owns it. */
    private static final ObjectMapper JSON = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    @Override
    public void encode(PageRecord page, OutputStream stream) throws IOException {
        Map<String, Object> fields = page.wireFields();
        if (page.text() != null) {
            fields.put("text", page.text());
        }
        JSON.writeValue(stream, fields);
        stream.write('\n');
    }
}
