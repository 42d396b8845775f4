package io.streamcrawl.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.streamcrawl.job.api.FrontierApiServer;
import io.streamcrawl.job.config.CrawlerConfigLoader;
import io.streamcrawl.job.config.TaskSpecParser;
import io.streamcrawl.job.etcd.TaskKeys;
import io.streamcrawl.job.etcd.TaskRegistry;
import io.streamcrawl.testing.EtcdServerExtension;
import io.streamcrawl.testing.Holds;
import io.streamcrawl.testing.RedisServerExtension;
import io.streamcrawl.testing.TestSite;
import io.streamcrawl.testing.TlsCertificates;

import crawlercommons.urlfrontier.URLFrontierGrpc;
import crawlercommons.urlfrontier.Urlfrontier;
import crawlercommons.urlfrontier.Urlfrontier.AckMessage;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The URLFrontier API over mutual TLS, driven with the official API's stubs: a client feeds a
 * crawl of a local site, reads its stats, pauses its host and disables it; clients without an
 * allowed certificate or the token are refused.
 */
class FrontierApiITCase {
    @RegisterExtension static final RedisServerExtension REDIS = new RedisServerExtension();
    @RegisterExtension static final EtcdServerExtension ETCD = new EtcdServerExtension();

    private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

    @RegisterExtension static final MiniClusterExtension FLINK = TestCrawl.miniCluster(METRICS);

    private static final String TOKEN = "t0ken-for-the-test";
    private static final String HOST = "127.0.0.1";

    @TempDir static Path certificates;
    private static TlsCertificates ours;
    private static TlsCertificates strangers;

    @AutoClose private TestCrawl crawl;
    @AutoClose private FrontierApiServer server;
    private ManagedChannel channel;

    @BeforeAll
    static void makeCertificates() {
        ours = TlsCertificates.generate(certificates.resolve("ours"));
        strangers = TlsCertificates.generate(certificates.resolve("strangers"));
    }

    @AfterEach
    void closeChannel() {
        if (channel != null) {
            channel.shutdownNow();
        }
    }

    @Test
    void aClientFeedsACrawlReadsItsStatsPausesItsHostAndDisablesIt(TestInfo test) throws Exception {
        crawl = new TestCrawl(test, REDIS, ETCD, TestSite.builder().pages(12).linksPerPage(3).depth(2).build());
        server = FrontierApiServer.start(CrawlerConfigLoader.of(apiOptions(crawl.config.toMap())));
        channel = channel(ours.clientCertificate(), ours.clientKey());
        URLFrontierGrpc.URLFrontierBlockingStub frontier = URLFrontierGrpc.newBlockingStub(channel);
        String task = crawl.task;
        // The spec asks a minute between two pages of a host; the host's own delay, set before the
        // job starts, lifts that for the site: the crawl below ends in seconds only through it.
        frontier.setDelay(Urlfrontier.QueueDelayParams.newBuilder().setCrawlID(task).setKey(HOST).setDelayRequestable(0).build());
        // The spec's seed is a page of its own, so that the site's pages come through PutURLs alone.
        crawl.start("{\"seeds\": [\"" + crawl.site.baseUrl() + "/own-seed\"], \"politeness\": {\"delayMs\": 60000, \"maxInFlightPerHost\": 4}}");

        Map<String, AckMessage.Status> acks = putUrls(channel, List.of(
                discovered("root", crawl.site.urlOf(0), task),
                discovered("not-http", "ftp://" + HOST + "/file", task),
                discovered("no-task", crawl.site.urlOf(1), "no-such-task")));
        assertThat(acks).isEqualTo(Map.of("root", AckMessage.Status.OK, "not-http", AckMessage.Status.SKIPPED,
                "no-task", AckMessage.Status.FAIL));

        crawl.awaitIdle();
        Set<String> crawled = new HashSet<>(crawl.site.pagePaths());
        crawled.add("/own-seed");
        assertThat(crawl.site.requestCounts()).isEqualTo(TestCrawl.everyPathOnce(RobotsITCase.withRobots(crawled)));
        Urlfrontier.Stats stats = frontier.getStats(Urlfrontier.QueueWithinCrawlParams.newBuilder().setCrawlID(task).build());
        assertThat(stats.getCrawlID()).isEqualTo(task);
        assertThat(stats.getSize()).isZero();
        assertThat(stats.getInProcess()).isZero();
        assertThat(stats.getCountsMap()).containsEntry("pages", (long) crawl.site.pagePaths().size())
                .containsEntry("errors", 1L) // the spec's own seed: 404
                .containsEntry("frontier_unread", 0L).containsEntry("hosts_backing_off", 0L);
        assertThat(frontier.listCrawls(Urlfrontier.Local.getDefaultInstance()).getValuesList()).containsExactly(task);

        // Paused while disabled: the block reaches the schedulers before the task runs again.
        frontier.setActive(Urlfrontier.Active.newBuilder().setState(false).build());
        assertThat(frontier.getActive(Urlfrontier.Local.getDefaultInstance()).getState()).isFalse();
        assertThat(crawl.registry.get(task, TaskKeys.ENABLED).orElseThrow().value()).isEqualTo("false");
        // The blocked URL belongs to a crawl created disabled with it as its seed, so it waits however
        // late the job learns of the crawl; the block is written before the crawl is enabled, and the
        // job reads the task keys in order, so the block holds it from the start.
        String held = task + "-held";
        String fresh = crawl.site.baseUrl() + "/fresh";
        crawl.registry.setEnabled(held, false);
        crawl.registry.putSpec(held, "{\"seeds\": [\"" + fresh + "\"], \"scope\": {\"allowPrivateHosts\": [\"127.0.0.1\"]}}");
        long inAnHour = Instant.now().plus(Duration.ofHours(1)).getEpochSecond();
        frontier.blockQueueUntil(Urlfrontier.BlockQueueParams.newBuilder().setCrawlID(held).setKey(HOST).setTime(inAnHour).build());
        frontier.setActive(Urlfrontier.Active.newBuilder().setState(true).build());
        assertThat(putUrls(channel, List.of(discovered("fresh", fresh, held)))).isEqualTo(Map.of("fresh", AckMessage.Status.OK));
        await().atMost(TestCrawl.TIMEOUT).until(() -> countUrls(frontier, held) == 1);
        assertThat(frontier.listQueues(Urlfrontier.Pagination.newBuilder().setCrawlID(held).build()).getValuesList())
                .containsExactly(HOST);
        Holds.forAtLeast(Duration.ofSeconds(3), () -> crawl.site.requestCount("/fresh") == 0);

        frontier.blockQueueUntil(Urlfrontier.BlockQueueParams.newBuilder().setCrawlID(held).setKey(HOST).setTime(0).build());
        await().atMost(TestCrawl.TIMEOUT).until(() -> crawl.site.requestCount("/fresh") == 1);
        // Unblocked and without a delay of its own, the host's control has lapsed and is dropped.
        assertThat(crawl.registry.get(held, TaskKeys.HOSTS).orElseThrow().value()).isEqualTo("{\"hosts\":{}}");

        frontier.setCrawlLimit(Urlfrontier.CrawlLimitParams.newBuilder().setCrawlID(task).setLimit(500).build());
        frontier.setDelay(Urlfrontier.QueueDelayParams.newBuilder().setCrawlID(task).setDelayRequestable(2).build());
        TaskSpecParser.Result spec = TaskSpecParser.parse(crawl.registry.get(task, TaskKeys.SPEC).orElseThrow().value());
        assertThat(spec.spec().maxPages()).isEqualTo(500);
        assertThat(spec.spec().politeness().delayMs()).isEqualTo(2000);
        assertThat(spec.spec().politeness().maxInFlightPerHost()).isEqualTo(4);

        assertThatThrownBy(() -> frontier.getURLs(Urlfrontier.GetParams.newBuilder().setCrawlID(task).build()).hasNext())
                .isInstanceOfSatisfying(StatusRuntimeException.class, e -> {
                    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
                    assertThat(e.getStatus().getDescription()).contains("streamcrawl fetches");
                });

        // Deleted with a URL queued: the answer counts it. The crawl is disabled from its start and its
        // seed is the URL put, so the URL waits however late the job learns of the crawl (the URLs of a
        // task it does not know wait too) and is queued once: no race with the watch of the flag.
        String paused = task + "-paused";
        String blocked = crawl.site.baseUrl() + "/blocked";
        crawl.registry.setEnabled(paused, false);
        crawl.registry.putSpec(paused, "{\"seeds\": [\"" + blocked + "\"], \"scope\": {\"allowPrivateHosts\": [\"127.0.0.1\"]}}");
        assertThat(putUrls(channel, List.of(discovered("blocked", blocked, paused)))).isEqualTo(Map.of("blocked", AckMessage.Status.OK));
        await().atMost(TestCrawl.TIMEOUT).until(() -> countUrls(frontier, paused) == 1);
        assertThat(frontier.deleteCrawl(Urlfrontier.DeleteCrawlMessage.newBuilder().setValue(paused).build()).getValue()).isEqualTo(1);
        assertThat(frontier.listCrawls(Urlfrontier.Local.getDefaultInstance()).getValuesList()).containsExactlyInAnyOrder(task, held);
        assertThat(crawl.site.requestCount("/blocked")).isZero();
    }

    @Test
    void aClientWithoutAnAllowedCertificateOrTheTokenIsRefused() throws Exception {
        Map<String, String> options = new HashMap<>();
        options.put("redis.port", Integer.toString(REDIS.port()));
        options.put("etcd.endpoints", ETCD.endpoint());
        options.put("etcd.prefix", "/refusals/");
        server = FrontierApiServer.start(CrawlerConfigLoader.of(apiOptions(options)));
        try (TaskRegistry registry = new TaskRegistry(new io.streamcrawl.job.etcd.ControlPlane(ETCD.endpoint(), "/refusals/"))) {
            registry.setEnabled("news", true);
        }

        assertThat(listCrawls(ours.clientCertificate(), ours.clientKey(), null)).containsExactly("news");
        // The server's certificate is of the same authority, but not of an allowed subject: the token admits it.
        assertThat(listCrawls(ours.serverCertificate(), ours.serverKey(), TOKEN)).containsExactly("news");
        assertThat(refusal(ours.serverCertificate(), ours.serverKey(), null)).isEqualTo(Status.Code.UNAUTHENTICATED);
        assertThat(refusal(ours.serverCertificate(), ours.serverKey(), "not-" + TOKEN)).isEqualTo(Status.Code.UNAUTHENTICATED);
        // An authority the server does not trust, or no client certificate at all: no TLS session.
        assertThat(refusal(strangers.clientCertificate(), strangers.clientKey(), TOKEN)).isEqualTo(Status.Code.UNAVAILABLE);
        assertThat(refusal(null, null, TOKEN)).isEqualTo(Status.Code.UNAVAILABLE);
    }

    private List<String> listCrawls(Path certificate, Path key, String token) {
        ManagedChannel client = channel(certificate, key);
        try {
            URLFrontierGrpc.URLFrontierBlockingStub stub = URLFrontierGrpc.newBlockingStub(client)
                    .withDeadlineAfter(20, TimeUnit.SECONDS);
            if (token != null) {
                Metadata headers = new Metadata();
                headers.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
                stub = stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers));
            }
            return stub.listCrawls(Urlfrontier.Local.getDefaultInstance()).getValuesList();
        } finally {
            client.shutdownNow();
        }
    }

    private Status.Code refusal(Path certificate, Path key, String token) {
        try {
            listCrawls(certificate, key, token);
            throw new AssertionError("the call was admitted");
        } catch (StatusRuntimeException e) {
            return e.getStatus().getCode();
        }
    }

    private static Map<String, String> apiOptions(Map<String, String> base) {
        Map<String, String> options = new HashMap<>(base);
        options.put("frontier-api.port", "0");
        options.put("frontier-api.tls.cert-file", ours.serverCertificate().toString());
        options.put("frontier-api.tls.key-file", ours.serverKey().toString());
        options.put("frontier-api.tls.ca-file", ours.caCertificate().toString());
        options.put("frontier-api.allowed-subjects", "CN=streamcrawl test client");
        options.put("frontier-api.token", TOKEN);
        return options;
    }

    /** A channel to the server as {@code localhost} (the name its certificate has), with a client certificate unless null. */
    private ManagedChannel channel(Path certificate, Path key) {
        try {
            TlsChannelCredentials.Builder tls = TlsChannelCredentials.newBuilder().trustManager(ours.caCertificate().toFile());
            if (certificate != null) {
                tls.keyManager(certificate.toFile(), key.toFile());
            }
            ChannelCredentials credentials = tls.build();
            return NettyChannelBuilder.forAddress("localhost", server.port(), credentials).build();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Urlfrontier.URLItem discovered(String id, String url, String crawlId) {
        return Urlfrontier.URLItem.newBuilder().setID(id).setDiscovered(Urlfrontier.DiscoveredURLItem.newBuilder()
                .setInfo(Urlfrontier.URLInfo.newBuilder().setUrl(url).setCrawlID(crawlId))).build();
    }

    /** Streams the items and collects the acknowledgements by ID. */
    private static Map<String, AckMessage.Status> putUrls(ManagedChannel channel, List<Urlfrontier.URLItem> items) throws Exception {
        Map<String, AckMessage.Status> acks = new ConcurrentHashMap<>();
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<Urlfrontier.URLItem> requests = URLFrontierGrpc.newStub(channel).putURLs(new StreamObserver<>() {
            @Override
            public void onNext(AckMessage ack) {
                acks.put(ack.getID(), ack.getStatus());
            }

            @Override
            public void onError(Throwable error) {
                done.completeExceptionally(error);
            }

            @Override
            public void onCompleted() {
                done.complete(null);
            }
        });
        items.forEach(requests::onNext);
        requests.onCompleted();
        done.get(30, TimeUnit.SECONDS);
        return acks;
    }

    private static long countUrls(URLFrontierGrpc.URLFrontierBlockingStub frontier, String task) {
        return frontier.countURLs(Urlfrontier.CountUrlParams.newBuilder().setCrawlID(task).build()).getValue();
    }
}
