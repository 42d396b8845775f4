package io.streamcrawl.job.frontier;

import io.streamcrawl.job.url.UrlFingerprint;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RecentFingerprints} answers exactly as the access-ordered LinkedHashMap it replaces. */
class RecentFingerprintsTest {

    /**
     * @param capacity the set's capacity
     * @param distinct how many distinct fingerprints the stream draws from
     * @param homes how many distinct probe homes (high bits) they have: few homes make long
     *     probe runs that wrap around the table, and every eviction shifts entries back
     */
    @ParameterizedTest
    @CsvSource({"1, 5, 5", "2, 5, 1", "7, 20, 3", "50, 200, 64", "50, 200, 7", "1000, 3000, 1000000", "1000, 3000, 40"})
    void answersAsAnAccessOrderedLinkedHashMap(int capacity, int distinct, int homes) {
        Random random = new Random(capacity * 31L + homes);
        UrlFingerprint[] pool = new UrlFingerprint[distinct];
        for (int i = 0; i < distinct; i++) {
            // The low bits make each fingerprint distinct; the table's slot comes from the high bits.
            pool[i] = new UrlFingerprint(random.nextInt(homes), i);
        }
        Map<UrlFingerprint, Boolean> model = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<UrlFingerprint, Boolean> eldest) {
                return size() > capacity;
            }
        };
        RecentFingerprints recent = new RecentFingerprints(capacity);
        for (int step = 0; step < 200_000; step++) {
            // Skewed towards a popular few, as links on pages are.
            UrlFingerprint fingerprint = pool[random.nextBoolean() ? random.nextInt(Math.max(1, distinct / 10)) : random.nextInt(distinct)];
            boolean expected = model.put(fingerprint, Boolean.TRUE) != null;
            assertThat(recent.add(fingerprint)).as("step %d, %s", step, fingerprint).isEqualTo(expected);
        }
    }
}
