package io.streamcrawl.job.fetch;

import io.streamcrawl.job.frontier.FrontierEntry;
import io.streamcrawl.job.frontier.HostFeedback;
import io.streamcrawl.job.frontier.HostSignal;

import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

/**
 * Sits between the fetcher and the parser and sends what the host schedulers must learn back to
 * the frontier, on the side output {@link #FEEDBACK}: a deferred request goes back to its host's
 * queue (with a {@link HostSignal#BUSY} signal) and yields no page. Every other result goes on to
 * the parser.
 */
public final class FetchOutcomeRouter extends ProcessFunction<FetchResult, FetchResult> {
    private static final long serialVersionUID = 1L;

    /** Frontier entries for the host schedulers: retries and host signals. */
    public static final OutputTag<FrontierEntry> FEEDBACK =
            new OutputTag<>("host-feedback", TypeInformation.of(FrontierEntry.class));

    @Override
    public void processElement(FetchResult result, Context ctx, Collector<FetchResult> out) {
        if (result.failure() == FetchFailure.DEFERRED) {
            ctx.output(FEEDBACK, entryOf(result.request()).retry(new HostFeedback(HostSignal.BUSY, 0, result.error())));
            return;
        }
        out.collect(result);
    }

    /** The frontier entry a request was released from. */
    static FrontierEntry entryOf(FetchRequest request) {
        return new FrontierEntry(request.url(), request.task(), request.depth(), request.priority(), request.parent());
    }
}
