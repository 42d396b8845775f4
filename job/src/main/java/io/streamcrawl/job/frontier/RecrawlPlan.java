package io.streamcrawl.job.frontier;

import io.streamcrawl.job.model.PageValidators;

/**
 * What the recrawls of one URL go by, in keyed state beside its {@link RecrawlEntry} (and kept
 * while the URL waits in its queue for the recrawl, unlike the entry).
 *
 * @param validators what its last fetch left for the next one (conditional request, last capture)
 * @param intervalMs the interval its recrawl after that fetch was planned with
 */
public record RecrawlPlan(PageValidators validators, long intervalMs) {}
