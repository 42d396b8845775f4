/** crawlctl, the command line for crawl tasks, and what only it needs. */
package io.streamcrawl.job.cli;
