package io.streamcrawl.job.api;

import io.streamcrawl.job.cli.CrawlProgress;
import io.streamcrawl.job.config.TaskNames;
import io.streamcrawl.job.etcd.EtcdKv;
import io.streamcrawl.job.etcd.HostControls;
import io.streamcrawl.job.etcd.TaskKeys;
import io.streamcrawl.job.etcd.TaskRegistry;
import io.streamcrawl.job.model.FrontierSeeder;
import io.streamcrawl.job.stats.DistinctUrls;
import io.streamcrawl.job.stats.HostsBackingOff;
import io.streamcrawl.job.url.Hosts;

import crawlercommons.urlfrontier.CrawlID;
import crawlercommons.urlfrontier.URLFrontierGrpc;
import crawlercommons.urlfrontier.Urlfrontier;
import crawlercommons.urlfrontier.Urlfrontier.AckMessage;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

import org.apache.flink.configuration.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisException;

import static io.streamcrawl.job.config.CrawlerOptions.STATS_KEY_PREFIX;

/**
 * The URLFrontier service over a crawl: a crawl ID is a task (the empty ID is the task
 * {@code DEFAULT}), a queue key is a host. Every call is a plain etcd or Redis operation that
 * crawlctl makes too; docs/frontier-api.md maps them one by one. Thread-safe: the clients are.
 */
final class FrontierService extends URLFrontierGrpc.URLFrontierImplBase {
    private static final Logger LOG = LoggerFactory.getLogger(FrontierService.class);

    private final Configuration config;
    private final UnifiedJedis redis;
    private final TaskRegistry registry;
    private final FrontierSeeder seeder;
    private final LongSupplier clock;

    FrontierService(Configuration config, UnifiedJedis redis, TaskRegistry registry, LongSupplier clock) {
        this.config = config;
        this.redis = redis;
        this.registry = registry;
        this.seeder = FrontierSeeder.of(redis, config);
        this.clock = clock;
    }

    @Override
    public StreamObserver<Urlfrontier.URLItem> putURLs(StreamObserver<AckMessage> acks) {
        return new StreamObserver<>() {
            /** Tasks found to have a spec during this call: one etcd read per task, not per URL. */
            private final Set<String> known = new HashSet<>();

            @Override
            public void onNext(Urlfrontier.URLItem item) {
                acks.onNext(AckMessage.newBuilder().setID(idOf(item)).setStatus(put(item, known)).build());
            }

            @Override
            public void onError(Throwable error) {
                LOG.debug("PutURLs ended by the client: {}", error.toString());
            }

            @Override
            public void onCompleted() {
                acks.onCompleted();
            }
        };
    }

    /**
     * Writes one item's URL to the frontier as {@code crawlctl seed} does. A known URL without a
     * refetch date is done for its sender and is not written; the job's seen-set drops a URL the
     * task already has. SKIPPED: nothing to retry (no URL, not http(s), bad crawl ID); FAIL: the
     * task has no spec yet, or Redis or etcd failed.
     */
    private AckMessage.Status put(Urlfrontier.URLItem item, Set<String> known) {
        Urlfrontier.URLInfo info = item.hasDiscovered() ? item.getDiscovered().getInfo()
                : item.hasKnown() ? item.getKnown().getInfo() : null;
        if (info == null || info.getUrl().isEmpty()) {
            return AckMessage.Status.SKIPPED;
        }
        String task = CrawlID.normaliseCrawlID(info.getCrawlID());
        if (!TaskNames.isValid(task)) {
            LOG.debug("PutURLs: invalid crawl ID '{}' for {}", task, info.getUrl());
            return AckMessage.Status.SKIPPED;
        }
        if (item.hasKnown() && item.getKnown().getRefetchableFromDate() == 0) {
            return AckMessage.Status.OK;
        }
        try {
            if (!known.contains(task)) {
                if (registry.get(task, TaskKeys.SPEC).isEmpty()) {
                    LOG.debug("PutURLs: crawl {} has no task spec, {} refused", task, info.getUrl());
                    return AckMessage.Status.FAIL;
                }
                known.add(task);
            }
            seeder.seed(task, List.of(info.getUrl()));
            return AckMessage.Status.OK;
        } catch (IllegalArgumentException e) {
            return AckMessage.Status.SKIPPED; // not an http(s) URL
        } catch (JedisException | IllegalStateException e) {
            LOG.warn("PutURLs: cannot write {} of crawl {}: {}", info.getUrl(), task, e.toString());
            return AckMessage.Status.FAIL;
        }
    }

    private static String idOf(Urlfrontier.URLItem item) {
        if (!item.getID().isEmpty()) {
            return item.getID();
        }
        return item.hasKnown() ? item.getKnown().getInfo().getUrl() : item.getDiscovered().getInfo().getUrl();
    }

    @Override
    public void getURLs(Urlfrontier.GetParams request, StreamObserver<Urlfrontier.URLInfo> urls) {
        urls.onError(Status.UNIMPLEMENTED.withDescription("streamcrawl fetches the URLs of its frontier itself and hands"
                + " none to an external fetcher: use PutURLs to feed the crawl").asRuntimeException());
    }

    @Override
    public void listCrawls(Urlfrontier.Local request, StreamObserver<Urlfrontier.StringList> response) {
        answer(response, () -> Urlfrontier.StringList.newBuilder().addAllValues(registry.list().keySet()).build());
    }

    /** Deletes the task (crawlctl task delete); answers with the URLs its schedulers held queued, which the job drops. */
    @Override
    public void deleteCrawl(Urlfrontier.DeleteCrawlMessage request, StreamObserver<Urlfrontier.Long> response) {
        answer(response, () -> {
            String task = task(request.getValue());
            long queued = CrawlProgress.read(redis, config, task).queued();
            registry.delete(task);
            return Urlfrontier.Long.newBuilder().setValue(queued).build();
        });
    }

    /** The message has no crawl ID: it switches every task on or off. */
    @Override
    public void setActive(Urlfrontier.Active request, StreamObserver<Urlfrontier.Empty> response) {
        answer(response, () -> {
            registry.list().keySet().forEach(task -> registry.setEnabled(task, request.getState()));
            return Urlfrontier.Empty.getDefaultInstance();
        });
    }

    /** Whether any task is enabled (the message has no crawl ID). */
    @Override
    public void getActive(Urlfrontier.Local request, StreamObserver<Urlfrontier.Boolean> response) {
        answer(response, () -> Urlfrontier.Boolean.newBuilder().setState(registry.list().values().stream()
                .anyMatch(keys -> "true".equalsIgnoreCase(keys.getOrDefault(TaskKeys.ENABLED, "false").trim()))).build());
    }

    /** The task's page budget (maxPages); streamcrawl has no budget of a single host. */
    @Override
    public void setCrawlLimit(Urlfrontier.CrawlLimitParams request, StreamObserver<Urlfrontier.Empty> response) {
        answer(response, () -> {
            if (!request.getKey().isEmpty()) {
                throw new IllegalArgumentException("streamcrawl limits the pages of a whole crawl (give no key), not of"
                        + " one queue; the spec's maxPagesPerHost limits every host alike");
            }
            editSpec(task(request.getCrawlID()), spec -> SpecEdits.withMaxPages(spec, request.getLimit()));
            return Urlfrontier.Empty.getDefaultInstance();
        });
    }

    /** Without a key the spec's politeness.delayMs; with one the spacing of that host's releases. */
    @Override
    public void setDelay(Urlfrontier.QueueDelayParams request, StreamObserver<Urlfrontier.Empty> response) {
        answer(response, () -> {
            String task = task(request.getCrawlID());
            long delayMs = request.getDelayRequestable() * 1000L;
            if (request.getKey().isEmpty()) {
                editSpec(task, spec -> SpecEdits.withDelayMs(spec, delayMs));
            } else {
                String host = Hosts.canonical(request.getKey());
                editHosts(task, controls -> controls.delayMs(host, delayMs, clock.getAsLong()));
            }
            return Urlfrontier.Empty.getDefaultInstance();
        });
    }

    /** No URL of the host is released until the time given (seconds since the epoch; 0 unblocks). */
    @Override
    public void blockQueueUntil(Urlfrontier.BlockQueueParams request, StreamObserver<Urlfrontier.Empty> response) {
        answer(response, () -> {
            if (request.getKey().isEmpty()) {
                throw new IllegalArgumentException("BlockQueueUntil needs a key: the host to block");
            }
            String task = task(request.getCrawlID());
            String host = Hosts.canonical(request.getKey());
            editHosts(task, controls -> controls.blockedUntil(host, request.getTime() * 1000L, clock.getAsLong()));
            return Urlfrontier.Empty.getDefaultInstance();
        });
    }

    /** The task's published counters; the job publishes none per host, so a key is refused. */
    @Override
    public void getStats(Urlfrontier.QueueWithinCrawlParams request, StreamObserver<Urlfrontier.Stats> response) {
        answer(response, () -> {
            if (!request.getKey().isEmpty()) {
                throw new IllegalArgumentException("streamcrawl publishes its counters per crawl, not per queue: give no key");
            }
            String task = task(request.getCrawlID());
            long distinct = registry.getBytes(task, TaskKeys.HLL).map(DistinctUrls::estimate).map(Math::round).orElse(0L);
            long backingOff = HostsBackingOff.read(redis, config.get(STATS_KEY_PREFIX), task, clock.getAsLong(), 0).hosts();
            return CrawlStats.of(task, CrawlProgress.read(redis, config, task), distinct, backingOff);
        });
    }

    /**
     * The hosts the crawl publishes something about: those blocked or delayed through this API and
     * those backing off. The job does not publish its per-host queues, so include_inactive changes nothing.
     */
    @Override
    public void listQueues(Urlfrontier.Pagination request, StreamObserver<Urlfrontier.QueueList> response) {
        answer(response, () -> {
            String task = task(request.getCrawlID());
            long now = clock.getAsLong();
            TreeSet<String> hosts = new TreeSet<>(hostControls(task).hosts().keySet());
            HostsBackingOff.read(redis, config.get(STATS_KEY_PREFIX), task, now, Integer.MAX_VALUE).longest()
                    .forEach(pause -> hosts.add(pause.host()));
            return QueuePage.of(task, List.copyOf(hosts), request.getStart(), request.getSize());
        });
    }

    /** The URLs the task's schedulers hold queued; the job counts no URLs per host or by pattern. */
    @Override
    public void countURLs(Urlfrontier.CountUrlParams request, StreamObserver<Urlfrontier.Long> response) {
        answer(response, () -> {
            if (!request.getKey().isEmpty() || !request.getFilter().isEmpty()) {
                throw new StatusRuntimeException(Status.UNIMPLEMENTED.withDescription(
                        "streamcrawl counts the queued URLs of a whole crawl only: give no key and no filter"));
            }
            return Urlfrontier.Long.newBuilder().setValue(CrawlProgress.read(redis, config, task(request.getCrawlID())).queued()).build();
        });
    }

    private void editSpec(String task, UnaryOperator<String> edit) {
        registry.update(task, TaskKeys.SPEC, spec -> {
            if (spec == null) {
                throw new StatusRuntimeException(Status.NOT_FOUND.withDescription("crawl " + task + " has no task spec"));
            }
            return edit.apply(spec);
        });
    }

    private void editHosts(String task, UnaryOperator<HostControls> edit) {
        registry.update(task, TaskKeys.HOSTS, json -> edit.apply(parse(json)).toJson());
    }

    private HostControls hostControls(String task) {
        return parse(registry.get(task, TaskKeys.HOSTS).map(TaskRegistry.Value::value).orElse(null));
    }

    private static HostControls parse(String json) {
        try {
            return HostControls.parse(json);
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable host controls: " + e.getMessage(), e);
        }
    }

    private static String task(String crawlId) {
        String task = CrawlID.normaliseCrawlID(crawlId);
        if (!TaskNames.isValid(task)) {
            throw new IllegalArgumentException("invalid crawl ID '" + task + "': a task name has letters, digits, '.', '_' and '-'");
        }
        return task;
    }

    /** Answers a unary call, turning failures into the status a client can act on. */
    private static <T> void answer(StreamObserver<T> response, Supplier<T> call) {
        T result;
        try {
            result = call.get();
        } catch (StatusRuntimeException e) {
            response.onError(e);
            return;
        } catch (IllegalArgumentException e) {
            response.onError(Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (EtcdKv.UnavailableException | JedisException e) {
            LOG.warn("URLFrontier call failed: {}", e.toString());
            response.onError(Status.UNAVAILABLE.withDescription(e.getMessage()).asRuntimeException());
            return;
        } catch (RuntimeException e) {
            LOG.warn("URLFrontier call failed", e);
            response.onError(Status.INTERNAL.withDescription(e.toString()).asRuntimeException());
            return;
        }
        response.onNext(result);
        response.onCompleted();
    }
}
