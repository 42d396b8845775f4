package io.streamcrawl.connectors.redis;

import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;

import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The jobs a test started on the MiniCluster, cancelled after it (after its {@code @AfterEach}
 * methods), so that none outlives the test that started it, whatever the test's outcome.
 */
public final class RunningJobs implements AfterEachCallback {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final List<JobClient> jobs = new ArrayList<>();

    /** Submits {@code env}'s job without waiting for it to end. */
    public JobClient start(StreamExecutionEnvironment env, String name) throws Exception {
        JobClient job = env.executeAsync(name);
        jobs.add(job);
        return job;
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        for (JobClient job : jobs) {
            cancel(job);
        }
        jobs.clear();
    }

    private static void cancel(JobClient job) throws Exception {
        try {
            job.cancel().get();
        } catch (ExecutionException e) {
            // A job that failed or finished, as some tests expect, cannot be cancelled.
            if (!ended(job)) {
                throw e;
            }
        }
        await().atMost(TIMEOUT).until(() -> ended(job));
    }

    private static boolean ended(JobClient job) throws Exception {
        return job.getJobStatus().get().isGloballyTerminalState();
    }
}
