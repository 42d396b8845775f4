package io.streamcrawl.job.dedup;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

class SimHashTest {

    @Test
    void ignoresCaseAndPunctuationAndHasNoFingerprintWithoutWords() {
        assertThat(SimHash.of("Hello, World! Streams of pages.")).isEqualTo(SimHash.of("hello world streams   of pages"));
        assertThat(SimHash.of(" -- !? ")).isEmpty();
        assertThat(SimHash.of("")).isEmpty();
        assertThat(SimHash.of("one")).isNotEmpty();
    }

    @Test
    void aTextWithOneWordChangedIsWithinThreeBitsAndAnotherTextIsFarAway() {
        List<String> words = words(new Random(1), 1_000);
        List<String> edited = new ArrayList<>(words);
        edited.set(500, "different");
        List<String> other = words(new Random(2), 1_000);

        long fingerprint = SimHash.of(String.join(" ", words)).getAsLong();

        assertThat(SimHash.distance(fingerprint, SimHash.of(String.join(" ", edited)).getAsLong())).isLessThanOrEqualTo(3);
        assertThat(SimHash.distance(fingerprint, SimHash.of(String.join(" ", other)).getAsLong())).isGreaterThan(16);
    }

    @Test
    void splitsIdeographsIntoWordsOfTheirOwn() {
        String text = "\u722c\u866b\u6293\u53d6\u7f51\u9875\u5e76\u4fdd\u5b58\u6587\u672c";

        assertThat(SimHash.of(text)).isNotEqualTo(SimHash.of("\u722c\u866b\u6293"));
        assertThat(SimHash.of(text)).isEqualTo(SimHash.of(String.join(" ", text.split(""))));
    }

    /** Fingerprints are published in page records and compared across crawls: they must never change. */
    @ParameterizedTest(name = "{1}")
    @CsvSource(delimiter = '|', value = {
        "f3bcfdcb851ba533 | Hello, World! Streams of pages.",
        "65de8a50a507b732 | one",
        "9008622847401098 | ΟΔΟΣ ΣΟΦΟΣ Σ ὈΔΥΣΣΕΎΣ",
        "08e93257df1e98ba | İstanbul DİYARBAKIR ısparta",
        "653791af71f33327 | Café Crème brûlée 2024 naïve",
        "0da0400404421003 | 爬虫抓取网页",
        "288c6f37ecdd8e87 | MiXeD CaSe ASCII text_with-punctuation 42",
    })
    void keepsItsFingerprints(String hex, String text) {
        assertThat(hex(SimHash.of(text).getAsLong())).isEqualTo(hex);
    }

    @Test
    void keepsTheFingerprintOfALongMixedText() {
        Random random = new Random(3);
        String[] unusual = {"Ærø", "ΣΟΦΟΣ", "İzmir", "straße", "x²", "٣٤", "ǅemal", "𝔘𝔫𝔦", "中文", "ﬁne"};
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 3_000; i++) {
            int kind = random.nextInt(20);
            String word = kind == 0 ? unusual[random.nextInt(unusual.length)] : (kind < 4 ? "Word" : "w") + random.nextInt(700);
            text.append(word).append(kind % 5 == 0 ? ", " : kind % 7 == 0 ? ".\n" : " ");
        }
        assertThat(hex(SimHash.of(text.toString()).getAsLong())).isEqualTo("98c37c8b8d628667");
    }

    @Test
    void measuresDistanceInDifferingBits() {
        assertThat(SimHash.distance(0b1011L, 0b0001L)).isEqualTo(2);
    }

    private static List<String> words(Random random, int count) {
        List<String> words = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            words.add("w" + random.nextInt(5_000));
        }
        return words;
    }

    private static String hex(long fingerprint) {
        return HexFormat.of().toHexDigits(fingerprint);
    }
}
