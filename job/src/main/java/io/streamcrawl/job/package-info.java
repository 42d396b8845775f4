/**
 * The crawler as one Flink job: {@link io.streamcrawl.job.CrawlerJob} wires the operators.
 *
 * <p>The packages form layers; each uses only those below it (ArchitectureTest checks this):
 * <ol>
 *   <li>entry points: this package and {@code cli} (crawlctl);
 *   <li>operators: {@code control} (task keys, job fence), {@code frontier} (host scheduler),
 *       {@code fetch}, {@code parse}, {@code dedup}, {@code stats}, {@code output}, {@code journal}
 *       (what the pages stream already holds, so a restore fetches again at most what was in flight);
 *   <li>{@code model}, the records that flow between operators and their wire formats, and
 *       {@code etcd}, the helpers for the control keys in etcd;
 *   <li>{@code config}, the options and task specs;
 *   <li>{@code url}, URL normalization, scopes and fingerprints.
 * </ol>
 *
 * <p>Names: {@code *Options} hold {@code ConfigOption}s ({@code CrawlerOptions}, the one home of
 * every default); {@code *Settings} are values read from the configuration or a task spec and
 * carried by an operator; {@code *Config} are the connectors' connection descriptions, which
 * {@code config} builds from the options ({@code CrawlerConfigLoader} reads the options' values).
 */
package io.streamcrawl.job;
