package io.streamcrawl.job.journal;

import io.streamcrawl.job.model.RecordedOutcome;
import io.streamcrawl.job.url.UrlFingerprint;

/**
 * A recorded page not released again yet when a checkpoint is taken: kept in the fetcher's
 * state, so that a later restore still knows it when the journal window no longer reaches its record.
 */
public record RecordedPage(UrlFingerprint page, RecordedOutcome outcome) {}
