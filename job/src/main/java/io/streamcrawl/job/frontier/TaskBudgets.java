package io.streamcrawl.job.frontier;

import io.streamcrawl.job.etcd.EtcdKv;
import io.streamcrawl.job.etcd.PageBudget;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.util.concurrent.ExecutorThreadFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One subtask's share of the page budgets of tasks with {@code maxPages}: pages reserved from
 * {@link PageBudget} and not spent yet, kept as operator state (on rescaling the grants are
 * spread over the new subtasks, which keeps their sum). Pages reserved after the last completed
 * checkpoint are not in the restored state, so a failure can leave part of a budget unspent; it
 * can never be exceeded.
 *
 * <p>The operator thread never waits out etcd's timeout: a reservation runs on this object's thread
 * (at most one in flight per task), and the {@link #hasGrant} call that starts it waits for it at most
 * {@link #GRANT_WAIT}, which a healthy etcd needs. When etcd has not answered by then the task has
 * "no grant now": its URLs stay queued, and a later call (the host's timer comes back) applies the
 * result on the operator thread. A reservation that fails because etcd is unreachable counts in
 * {@code unavailable}; the next one starts no sooner than {@link #RETRY_PAUSE} later, and the
 * outage is logged once when it starts and once when etcd grants again. A reservation etcd
 * applied but whose answer was lost is granted by the next one ({@link PageBudget}).
 */
public final class TaskBudgets implements PageGrants, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(TaskBudgets.class);
    /** How long the operator thread waits for a reservation it starts: a round trip to a healthy etcd. */
    static final Duration GRANT_WAIT = Duration.ofMillis(200);
    /** The least time between a reservation that found etcd unreachable and the next one of its task. */
    static final Duration RETRY_PAUSE = Duration.ofSeconds(1);

    /** The unspent pages of one task, the element type of the operator state. */
    public record Grant(String task, long pages) {}

    /** A reservation running for the task's maxPages at its start: its pages, 0 when the budget is spent. */
    private record Reservation(CompletableFuture<Long> pages, long maxPages) {}

    private final Map<String, Long> unspent = new HashMap<>();
    /** Tasks whose budget is spent, with the maxPages it was spent at: a raised maxPages reopens it. */
    private final Map<String, Long> spent = new HashMap<>();
    /** The reservation in flight per task. */
    private final Map<String, Reservation> reservations = new HashMap<>();
    /** Tasks whose last reservation found etcd unreachable, with the nanoTime from which the next may start. */
    private final Map<String, Long> retryAt = new HashMap<>();
    private final PageBudget budget;
    private final int parallelism;
    private final ExecutorService executor;
    private final Counter unavailable;
    private boolean outage;
    private ListState<Grant> state;

    /** {@code unavailable} counts the reservations that found etcd unreachable. */
    public TaskBudgets(PageBudget budget, int parallelism, Counter unavailable) {
        this.budget = budget;
        this.parallelism = parallelism;
        this.unavailable = unavailable;
        this.executor = Executors.newSingleThreadExecutor(new ExecutorThreadFactory("streamcrawl-page-budget"));
    }

    /**
     * Whether {@link #take} can answer for the task now: a page is at hand, the budget is known to
     * be spent, or there is none (maxPages 0). Otherwise reserves a chunk, waiting at most
     * {@link #GRANT_WAIT}; false means "no grant now" (etcd slow or unreachable): ask again later.
     */
    public boolean hasGrant(String task, long maxPages) {
        if (maxPages <= 0 || unspent.getOrDefault(task, 0L) > 0 || spent.getOrDefault(task, -1L) == maxPages) {
            return true;
        }
        Reservation reservation = reservations.get(task);
        if (reservation == null) {
            Long retry = retryAt.get(task);
            if (retry != null && System.nanoTime() - retry < 0) {
                return false;
            }
            retryAt.remove(task);
            reservation = new Reservation(CompletableFuture.supplyAsync(() -> reserve(task, maxPages), executor), maxPages);
            reservations.put(task, reservation);
            // Only the call that starts a reservation waits: the hosts asking meanwhile must not add up waits.
            if (!await(reservation.pages())) {
                return false;
            }
        } else if (!reservation.pages().isDone()) {
            return false;
        }
        reservations.remove(task);
        long pages;
        try {
            pages = reservation.pages().join();
        } catch (CompletionException e) {
            if (!(e.getCause() instanceof EtcdKv.UnavailableException unreachable)) {
                throw new IllegalStateException("reserving page budget of task " + task + " failed", e.getCause());
            }
            retryAt.put(task, System.nanoTime() + RETRY_PAUSE.toNanos());
            unavailable.inc();
            if (!outage) {
                outage = true;
                LOG.warn("etcd unreachable for page budgets ({}): URLs of tasks with maxPages stay queued until it"
                        + " answers", unreachable.getMessage());
            }
            return false;
        }
        if (outage) {
            outage = false;
            LOG.info("etcd grants page budgets again (task {})", task);
        }
        if (pages == 0) {
            spent.put(task, reservation.maxPages());
        } else {
            unspent.put(task, pages);
        }
        // Spent under a maxPages the spec has changed since: the next call reserves under the new one.
        return pages > 0 || reservation.maxPages() == maxPages;
    }

    /**
     * Spends one page of the task's budget; false when it is spent (maxPages 0 is unlimited).
     * Only after {@link #hasGrant} said true for the task.
     */
    public boolean take(String task, long maxPages) {
        if (maxPages <= 0) {
            return true;
        }
        long pages = unspent.getOrDefault(task, 0L);
        if (pages == 0) {
            if (spent.getOrDefault(task, -1L) == maxPages) {
                return false;
            }
            throw new IllegalStateException("no grant at hand for task " + task + ": ask hasGrant first");
        }
        unspent.put(task, pages - 1);
        return true;
    }

    /** Gives back a page whose fetch did not happen (the fetcher deferred it: it comes back to be released again). */
    public void refund(String task) {
        unspent.computeIfPresent(task, (t, pages) -> pages + 1);
    }

    /** Forgets a deleted task: a task put again under its name starts with a new budget. */
    public void forget(String task) {
        unspent.remove(task);
        spent.remove(task);
        reservations.remove(task);
        retryAt.remove(task);
    }

    /** Binds to the operator state {@code name} and restores from it. */
    public void initialize(FunctionInitializationContext context, String name) throws Exception {
        state = context.getOperatorStateStore().getListState(new ListStateDescriptor<>(name, Grant.class));
        if (context.isRestored()) {
            for (Grant grant : state.get()) {
                unspent.merge(grant.task(), grant.pages(), Long::sum);
            }
        }
    }

    public void snapshot() throws Exception {
        List<Grant> grants = new ArrayList<>();
        unspent.forEach((task, pages) -> grants.add(new Grant(task, pages)));
        state.update(grants);
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }

    /** On the reservation thread: one chunk, 0 when the budget is spent (then also said in the task's status). */
    private long reserve(String task, long maxPages) {
        long pages = budget.reserve(task, maxPages, parallelism);
        if (pages == 0) {
            budget.reportExhausted(task, maxPages);
        }
        return pages;
    }

    /** Whether the reservation is done, waiting at most {@link #GRANT_WAIT} for it. */
    private static boolean await(CompletableFuture<Long> reservation) {
        try {
            reservation.get(GRANT_WAIT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            // Done; the caller reads the failure.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
        return true;
    }
}
