package io.streamcrawl.job.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.streamcrawl.job.model.RecordedOutcome;

import java.util.Map;
import java.util.Optional;

import org.junit.jupiter.api.Test;

/** What a journal read keeps of the pages stream's records: those of its own hosts, by task and URL, with their outcome. */
class PagesJournalTest {
    @Test
    void keepsTheRecordsOfItsOwnHostsByTaskAndUrlWithTheirOutcome() {
        RecordedPages pages = new RecordedPages();
        PagesJournal.add(Map.of("url", "http://a.org/1", "task", "t", "status", "200"), "a.org"::equals, pages);
        PagesJournal.add(Map.of("url", "http://a.org/2", "task", "t", "status", "0", "error", "timeout"), "a.org"::equals, pages);
        PagesJournal.add(Map.of("url", "http://b.org/1", "task", "t", "status", "200"), "a.org"::equals, pages);
        PagesJournal.add(Map.of("url", "http://a.org/3", "status", "200"), "a.org"::equals, pages);
        PagesJournal.add(Map.of("task", "t", "status", "200"), "a.org"::equals, pages);

        assertThat(pages.size()).isEqualTo(2);
        assertThat(pages.take("u", "http://a.org/1")).isEmpty();
        assertThat(pages.take("t", "http://a.org/1")).contains(new RecordedOutcome(200, null));
        assertThat(pages.take("t", "http://a.org/2")).contains(new RecordedOutcome(0, "timeout"));
    }

    @Test
    void keepsThePagesNotTakenForTheNextCheckpoint() {
        RecordedPages pages = new RecordedPages();
        PagesJournal.add(Map.of("url", "http://a.org/1", "task", "t", "status", "200"), host -> true, pages);
        PagesJournal.add(Map.of("url", "http://a.org/2", "task", "t", "status", "200"), host -> true, pages);
        pages.take("t", "http://a.org/1");

        RecordedPages restored = new RecordedPages();
        restored.addAll(pages.remaining());

        assertThat(restored.size()).isOne();
        assertThat(restored.take("t", "http://a.org/2")).contains(new RecordedOutcome(200, null));
    }

    @Test
    void givesEachRecordedPageOnce() {
        RecordedPages pages = new RecordedPages();
        PagesJournal.add(Map.of("url", "http://a.org/1", "task", "t", "status", "404"), host -> true, pages);

        assertThat(pages.take("t", "http://a.org/1")).contains(new RecordedOutcome(404, null));
        assertThat(pages.take("t", "http://a.org/1")).isEqualTo(Optional.empty());
        assertThat(pages.size()).isZero();
    }
}
