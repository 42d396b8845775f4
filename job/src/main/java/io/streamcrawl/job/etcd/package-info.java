/** The control keys in etcd: their layout, single-key reads and writes, task specs, page budgets. */
package io.streamcrawl.job.etcd;
