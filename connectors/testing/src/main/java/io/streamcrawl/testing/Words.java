package io.streamcrawl.testing;

import java.util.Random;

/** Technical-sounding words, slugs, titles and sentences for the generated documentation site. */
final class Words {
    private static final String[] VOCABULARY = (
            "stream state checkpoint savepoint operator task slot window watermark event time key group "
            + "partition shard frontier crawler fetch parse link host queue backlog consumer producer "
            + "record batch buffer flush commit offset snapshot restore upgrade schema serializer type "
            + "cluster node leader follower lease revision watch prefix bucket index segment block cache "
            + "filter bloom compaction level table memory heap network latency throughput metric gauge "
            + "counter histogram reporter dashboard alert rule config option default value duration timeout "
            + "retry backoff limit budget scope robots sitemap redirect header body charset encoding "
            + "protocol request response status error failure recovery region restart strategy parallelism "
            + "rescale savepoint job graph vertex edge source sink connector reader writer split enumerator "
            + "assigner coordinator barrier alignment timer service function process map reduce join "
            + "aggregate session tumbling sliding global late side output tag broadcast descriptor")
            .split(" ");
    private static final String[] VERBS =
            "configures restores writes reads emits tracks holds sends keeps drops limits caches resolves "
                    .trim().split(" ");

    private Words() {}

    static String word(Random random) {
        return VOCABULARY[random.nextInt(VOCABULARY.length)];
    }

    /** {@code n} words joined by dashes, e.g. {@code checkpoint-barrier-alignment}. */
    static String slug(Random random, int n) {
        StringBuilder slug = new StringBuilder(word(random));
        for (int i = 1; i < n; i++) {
            slug.append('-').append(word(random));
        }
        return slug.toString();
    }

    /** {@code n} capitalized words, e.g. {@code Checkpoint Barrier Alignment}. */
    static String title(Random random, int n) {
        StringBuilder title = new StringBuilder();
        for (int i = 0; i < n; i++) {
            String word = word(random);
            title.append(i == 0 ? "" : " ").append(Character.toUpperCase(word.charAt(0))).append(word, 1, word.length());
        }
        return title.toString();
    }

    /** A sentence of 8 to 20 words ending with a period and a space. */
    static void sentence(Random random, StringBuilder out) {
        int words = 8 + random.nextInt(13);
        String first = word(random);
        out.append(Character.toUpperCase(first.charAt(0))).append(first, 1, first.length());
        for (int i = 1; i < words; i++) {
            out.append(' ').append(i == 3 ? VERBS[random.nextInt(VERBS.length)] : word(random));
        }
        out.append(". ");
    }
}
