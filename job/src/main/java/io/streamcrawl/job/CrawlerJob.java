package io.streamcrawl.job;

import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** Placeholder main class; the topology arrives with the walking skeleton. */
public final class CrawlerJob {
    public static void main(String[] args) throws Exception {
        StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
        env.fromSequence(0, Long.MAX_VALUE).name("sequence").uid("sequence")
                .map(x -> x).name("identity").uid("identity")
                .sinkTo(new org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink<>());
        env.execute("streamcrawl");
    }
}
