package io.streamcrawl.job.model;

import io.streamcrawl.job.fetch.FetchFixtures;
import io.streamcrawl.job.url.TaskScope;

import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.junit.jupiter.api.Test;

import java.io.IOException;

import static org.assertj.core.api.Assertions.assertThat;

/** The records that flow between the fetch and parse operators are Flink POJOs, never Kryo. */
class FetchTypesSerializationTest {

    @Test
    void fetchResultsRoundTripWithoutGenericTypes() throws IOException {
        FetchRequest request = FetchFixtures.page("https://example.org/a", "news", 2, 1, true,
                new TaskScope(new String[] {"*.example.org"}, new String[] {"/news/"}, new String[0], 2048),
                FetchFixtures.settings("ua", 30_000, 10_485_760, new String[] {"text/html"}, 1));
        FetchResult result = FetchResult.response(request, 200).finalUrl("https://example.org/b").contentType("text/html")
                .body(new byte[] {'<', 'p', '>'}, true).timing(1_700_000_000_000L, 12).location("https://example.org/c")
                .retryAfterMs(1_000)
                .http(new HttpMessages("h2", "GET", new String[] {"user-agent", "ua"}, "",
                        new String[] {"content-type", "text/html"}, true))
                .build();

        FetchResult copy = roundTrip(FetchResult.class, result);

        assertThat(copy.request().scope()).isEqualTo(request.scope());
        assertThat(copy.request().fetch().contentTypes()).containsExactly("text/html");
        assertThat(copy.body()).containsExactly('<', 'p', '>');
        assertThat(copy.http().responseHeaders()).containsExactly("content-type", "text/html");
        assertThat(copy).usingRecursiveComparison().isEqualTo(result);
        assertThat(roundTrip(FetchResult.class, FetchResult.failed(request, FetchFailure.NETWORK)
                .cause(FailureCause.BODY).timing(1L, 2L).error("boom").build()).error()).isEqualTo("boom");
    }

    @Test
    void pageRecordsAndLinksRoundTripWithoutGenericTypes() throws IOException {
        PageRecord record = PageRecord.builder("https://example.org/a", "news").depth(2)
                .fetchedAt("2023-11-14T22:13:20.123Z").fetchMs(5).error("timeout")
                .canonical("https://example.org/canonical").build();
        PageRecord parsed = PageRecord.builder("https://example.org/a", "news").depth(2).status(200)
                .contentType("text/html").contentLength(3).title("A").links(1).fetchedAt("2023-11-14T22:13:20.123Z")
                .fetchMs(5).lang("en").contentHash("sha1:ABC").simhash(-42L).nearDuplicateOf("https://example.org/")
                .text("text").build();
        FrontierEntry link = new FrontierEntry("https://example.org/b", "news", 3, 0, "https://example.org/a");

        assertThat(roundTrip(PageRecord.class, record)).isEqualTo(record);
        assertThat(roundTrip(PageRecord.class, parsed)).isEqualTo(parsed);
        assertThat(roundTrip(FrontierEntry.class, link)).isEqualTo(link);
    }

    private static <T> T roundTrip(Class<T> type, T value) throws IOException {
        TypeInformation<T> info = TypeInformation.of(type);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        TypeSerializer<T> serializer = info.createSerializer(config);
        DataOutputSerializer out = new DataOutputSerializer(256);
        serializer.serialize(value, out);
        return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
    }
}
