/**
 * The records that flow between the job's operators (frontier entries, fetch requests and
 * results, page records, task events) and the wire formats of the frontier and pages streams.
 */
package io.streamcrawl.job.model;
