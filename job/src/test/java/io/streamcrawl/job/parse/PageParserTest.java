package io.streamcrawl.job.parse;

import io.streamcrawl.job.config.FetchSettings;
import io.streamcrawl.job.dedup.SimHash;
import io.streamcrawl.job.fetch.FetchFixtures;
import io.streamcrawl.job.model.CrawledPage;
import io.streamcrawl.job.model.FailureCause;
import io.streamcrawl.job.model.FetchFailure;
import io.streamcrawl.job.model.FetchRequest;
import io.streamcrawl.job.model.FetchResult;
import io.streamcrawl.job.model.FrontierEntry;
import io.streamcrawl.job.model.HttpMessages;
import io.streamcrawl.job.model.PageRecord;
import io.streamcrawl.job.model.PageValidators;
import io.streamcrawl.job.model.PayloadDigest;
import io.streamcrawl.job.model.RecordedOutcome;
import io.streamcrawl.job.url.TaskScope;
import io.streamcrawl.testing.DocSiteGenerator;
import io.streamcrawl.testing.DocSiteGraph;
import io.streamcrawl.testing.TestSite;

import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class PageParserTest {
    private static final String[] NONE = {};
    private static final FetchSettings FETCH = FetchFixtures.settings("test", 5_000, 1_000_000, new String[] {"text/html"}, 1);
    private static final long FETCHED_AT = 1_700_000_000_123L;

    private static TestSite site;

    private OneInputStreamOperatorTestHarness<FetchResult, CrawledPage> harness;

    @BeforeAll
    static void startSite() {
        site = TestSite.builder().pages(50).build().start();
    }

    @AfterAll
    static void stopSite() {
        site.close();
    }

    @BeforeEach
    void openParser() throws Exception {
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new PageParser());
    }

    @AfterEach
    void closeParser() throws Exception {
        harness.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 6, 23, 49})
    void findsExactlyTheLinksOfTheTestSitesPages(int page) throws Exception {
        FetchRequest request = FetchFixtures.page(
                site.urlOf(page), "site", 2, 5, true, TaskScope.ofSeeds(List.of(site.urlOf(0))), FETCH);

        harness.processElement(ok(request, site.urlOf(page), "text/html; charset=utf-8", get(site.urlOf(page))), 0);

        Set<String> expected = site.graph().linksOf(page).stream().map(site::urlOf).collect(Collectors.toSet());
        List<FrontierEntry> links = links();
        assertThat(links).extracting(FrontierEntry::url).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
        assertThat(links).allSatisfy(link -> {
            assertThat(link.task()).isEqualTo("site");
            assertThat(link.depth()).isEqualTo(3);
            assertThat(link.priority()).isEqualTo(5);
            assertThat(link.parent()).isEqualTo(site.urlOf(page));
        });
        PageRecord record = record();
        assertThat(record.title()).isEqualTo("Page " + page);
        assertThat(record.links()).isEqualTo(expected.size());
        assertThat(record.status()).isEqualTo(200);
    }

    @Test
    void honoursBaseHrefAndDropsWhatIsNotAnInScopeHttpLink() throws Exception {
        TaskScope scope = new TaskScope(new String[] {"*.example.org"}, NONE, NONE, 0);
        String pageUrl = "https://www.example.org/other/page.html";

        harness.processElement(ok(request(pageUrl, scope, true), pageUrl, "text/html", resource("base-href.html")), 0);

        assertThat(links()).extracting(FrontierEntry::url).containsExactly(
                "https://docs.example.org/guide/intro.html",
                "https://docs.example.org/about.html",
                "https://docs.example.org/changes.html",
                "https://docs.example.org/api/?a=1&b=2",
                "https://docs.example.org/guide/");
        assertThat(record().title()).isEqualTo("Documentation index");
    }

    @Test
    void resolvesARelativeBaseHrefAgainstThePage() throws Exception {
        String html = "<html><head><base href='/docs/v2/'></head><body><a href='start.html'>x</a></body></html>";
        String pageUrl = "https://example.org/index.html";

        harness.processElement(ok(request(pageUrl, TaskScope.ofSeeds(List.of(pageUrl)), true), pageUrl, "text/html", utf8(html)), 0);

        assertThat(links()).extracting(FrontierEntry::url).containsExactly("https://example.org/docs/v2/start.html");
    }

    @Test
    void appliesTheTasksIncludeExcludeAndLengthRules() throws Exception {
        TaskScope scope = new TaskScope(new String[] {"example.org"}, new String[] {"/news/"}, new String[] {"\\.pdf$"}, 40);
        String html = "<a href='/news/1.html'>1</a><a href='/news/report.pdf'>pdf</a><a href='/about.html'>about</a>"
                + "<a href='/news/" + "x".repeat(30) + "'>long</a><a href='https://other.org/news/'>other</a>";

        harness.processElement(ok(request("https://example.org/", scope, true), "https://example.org/", "text/html", utf8(html)), 0);

        assertThat(links()).extracting(FrontierEntry::url).containsExactly("https://example.org/news/1.html");
        assertThat(record().links()).isEqualTo(1);
    }

    @Test
    void survivesBrokenHtml() throws Exception {
        String pageUrl = "http://example.org/x/page.html";

        harness.processElement(ok(request(pageUrl, TaskScope.ofSeeds(List.of(pageUrl)), true), pageUrl, "text/html", resource("broken.html")), 0);

        // Misnested table content is foster-parented (HTML5), so document order differs from source order.
        assertThat(links()).extracting(FrontierEntry::url).containsExactlyInAnyOrder(
                "http://example.org/one.html",
                "http://example.org/two.html",
                "http://example.org/three.html",
                "http://example.org/four.html",
                "http://example.org/x/%25zz%25");
        assertThat(record().title()).isEqualTo("Broken <b>page");
    }

    @Test
    void survivesBinaryGarbageServedAsHtml() throws Exception {
        byte[] garbage = new byte[200_000];
        new Random(7).nextBytes(garbage);
        String pageUrl = "http://example.org/";

        harness.processElement(ok(request(pageUrl, TaskScope.ofSeeds(List.of(pageUrl)), true), pageUrl, "text/html; charset=bogus-charset", garbage), 0);

        assertThat(record().status()).isEqualTo(200);
    }

    @Test
    void decodesWithTheCharsetOfTheMetaTagOrTheHeader() throws Exception {
        String pageUrl = "http://example.org/";
        FetchRequest request = request(pageUrl, TaskScope.ofSeeds(List.of(pageUrl)), true);
        byte[] noMeta = "<title>Caf\u00e9 \u2013 na\u00efve</title>".getBytes(Charset.forName("windows-1252"));

        harness.processElement(ok(request, pageUrl, "text/html", resource("windows-1252-meta.html")), 0);
        harness.processElement(ok(request, pageUrl, "text/html; charset=windows-1252", noMeta), 0);

        assertThat(records()).extracting(PageRecord::title)
                .containsExactly("Caf\u00e9 \u2013 na\u00efve", "Caf\u00e9 \u2013 na\u00efve");
        assertThat(links()).extracting(FrontierEntry::url).containsExactly("http://example.org/caf%C3%A9.html");
    }

    @Test
    void emitsNoLinksWhenTheRequestSaysNotToFollowThem() throws Exception {
        FetchRequest request = FetchFixtures.page(
                site.urlOf(0), "site", 3, 0, false, TaskScope.ofSeeds(List.of(site.urlOf(0))), FETCH);

        harness.processElement(ok(request, site.urlOf(0), "text/html; charset=utf-8", get(site.urlOf(0))), 0);

        assertThat(links()).isEmpty();
        assertThat(record().title()).isEqualTo("Page 0");
        assertThat(record().links()).isPositive();
    }

    @Test
    void parsesNeitherOtherMediaTypesNorEmptyBodiesNorErrorPages() throws Exception {
        String pageUrl = "http://example.org/";
        FetchRequest request = request(pageUrl, TaskScope.ofSeeds(List.of(pageUrl)), true);
        byte[] html = utf8("<title>t</title><a href='/a.html'>a</a>");

        harness.processElement(ok(request, pageUrl, "application/pdf", html), 0);
        harness.processElement(ok(request, pageUrl, null, html), 0);
        harness.processElement(ok(request, pageUrl, "text/html", new byte[0]), 0);
        harness.processElement(FetchFixtures.response(request, 404, pageUrl, "text/html", html, false, FETCHED_AT, 3), 0);

        assertThat(links()).isEmpty();
        assertThat(records()).hasSize(4).allSatisfy(record -> {
            assertThat(record.title()).isNull();
            assertThat(record.links()).isZero();
        });
    }

    @Test
    void writesTheWireFormatOfFetchedAndFailedPages() throws Exception {
        FetchRequest request = FetchFixtures.page(
                "http://example.org/a", "news", 4, 0, true, TaskScope.ofSeeds(List.of("http://example.org/")), FETCH);
        byte[] body = utf8("<title>A</title><a href='/b'>b</a><a href='/b#again'>b</a>");

        harness.processElement(FetchFixtures.response(request, 200, "http://example.org/a2", "text/html", body, true, FETCHED_AT, 42), 0);
        harness.processElement(FetchResult.failed(request, FetchFailure.TIMEOUT).cause(FailureCause.HEAD)
                .timing(FETCHED_AT, 5_000).error("timeout: no complete response within 5000 ms").build(), 0);

        assertThat(records()).containsExactly(
                PageRecord.builder("http://example.org/a", "news").finalUrl("http://example.org/a2").depth(4)
                        .status(200).contentType("text/html").contentLength(body.length).title("A").links(1)
                        .fetchedAt("2023-11-14T22:13:20.123Z").fetchMs(42).contentHash(PayloadDigest.of(body).toString())
                        .simhash(SimHash.of("bb").getAsLong()).build(),
                PageRecord.builder("http://example.org/a", "news").depth(4).fetchedAt("2023-11-14T22:13:20.123Z")
                        .fetchMs(5_000).error("timeout: no complete response within 5000 ms").build());
        assertThat(links()).containsExactly(new FrontierEntry("http://example.org/b", "news", 5, 0, "http://example.org/a2"));
    }

    @Test
    void marksARecrawlThatRepeatsTheLastCaptureAndParsesNo304() throws Exception {
        byte[] body = utf8("<title>A</title><a href='/b'>b</a>");
        PageValidators last = new PageValidators("\"1\"", null, PayloadDigest.of(body).toString(), 1);
        FetchRequest recrawl = FetchRequest.builder("http://example.org/a", "news").followLinks(true)
                .task(TaskScope.ofSeeds(List.of("http://example.org/")), FETCH).validators(last).build();
        HttpMessages notModified = new HttpMessages("http/1.1", "GET", new String[0], "Not Modified", new String[0], false);

        harness.processElement(FetchResult.response(recrawl, 304).finalUrl(recrawl.url()).timing(FETCHED_AT, 1)
                .http(notModified).build(), 0);
        harness.processElement(withHttp(recrawl, "<title>A</title><a href='/b'>b</a>",
                new HttpMessages("http/1.1", "GET", new String[0], "OK", new String[0], true)), 0);

        assertThat(records()).extracting(PageRecord::status, PageRecord::notModified, PageRecord::identicalPayload,
                PageRecord::title).containsExactly(tuple(304, true, false, null), tuple(200, false, true, "A"));
        assertThat(records().get(0).wireFields()).containsEntry("not_modified", true).doesNotContainKey("identical_payload");
        assertThat(records().get(1).wireFields()).containsEntry("identical_payload", true).doesNotContainKey("not_modified");
        assertThat(links()).as("only the 200's").containsExactly(
                new FrontierEntry("http://example.org/b", "news", 1, 0, "http://example.org/a"));
    }

    @Test
    void keepsTheBoundedVisibleTextWhenAskedAndAlwaysHashesIt() throws Exception {
        String html = "<html><head><title>T</title><style>p {color: red}</style></head><body>"
                + "<script>var hidden = 1;</script><h1>Caf\u00e9   news</h1><p>Second\nline \ud83d\ude00 here</p></body></html>";
        String pageUrl = "http://example.org/";
        FetchResult page = ok(request(pageUrl, TaskScope.ofSeeds(List.of(pageUrl)), true), pageUrl, "text/html", utf8(html));
        String text = "Caf\u00e9 news Second line \ud83d\ude00 here";

        PageRecord byDefault = parse(new PageParser(), page);
        PageRecord withText = parse(new PageParser(10, 1_000, true), page);
        PageRecord cutBeforeTheEmoji = parse(new PageParser(10, 23, true), page);

        assertThat(byDefault.text()).isNull();
        assertThat(byDefault.simhash()).isEqualTo(SimHash.of(text).getAsLong());
        assertThat(withText.text()).isEqualTo(text);
        assertThat(cutBeforeTheEmoji.text()).isEqualTo("Caf\u00e9 news Second line ");
        assertThat(cutBeforeTheEmoji.simhash()).isEqualTo(SimHash.of("Caf\u00e9 news Second line").getAsLong());
    }

    @Test
    void givesTheSameRecordsAndLinksFromTheScannersWordsAndWithoutNearDuplicatesBarTheSimHash() throws Exception {
        String pageUrl = "http://example.org/x/page.html";
        FetchRequest request = request(pageUrl, TaskScope.ofSeeds(List.of("http://example.org/")), true);
        List<FetchResult> pages = new ArrayList<>();
        for (String name : new String[] {"broken.html", "base-href.html", "windows-1252-meta.html"}) {
            pages.add(ok(request, pageUrl, "text/html", resource(name)));
            pages.add(ok(request, pageUrl, "text/html; charset=utf-8", resource(name)));
        }
        DocSiteGraph graph = new DocSiteGraph(2_000, 42);
        for (int page = 0; page < 200; page++) {
            pages.add(ok(request, pageUrl, "text/html; charset=utf-8", utf8(DocSiteGenerator.render(graph, page))));
        }

        for (FetchResult page : pages) {
            CrawledPage withSimHash = crawled(new PageParser(), page);
            CrawledPage withoutSimHash = crawled(new PageParser(PageParser.DEFAULT_MAX_LINKS_PER_PAGE, 100_000, false, false), page);
            // Keeping the text takes jsoup's tree; the default hashes the scanner's words where it can.
            CrawledPage withText = crawled(new PageParser(PageParser.DEFAULT_MAX_LINKS_PER_PAGE, 100_000, true), page);

            assertThat(withSimHash.record().simhash()).isNotNull();
            assertThat(withSimHash.record()).usingRecursiveComparison().ignoringFields("text").isEqualTo(withText.record());
            assertThat(withSimHash.links()).containsExactlyElementsOf(withText.links());

            assertThat(withoutSimHash.record().simhash()).isNull();
            assertThat(withoutSimHash.record()).usingRecursiveComparison().ignoringFields("simhash")
                    .isEqualTo(withSimHash.record());
            assertThat(withoutSimHash.links()).containsExactlyElementsOf(withSimHash.links());
        }
    }

    @Test
    void takesTheLanguageFromTheLangAttributeElseTheContentLanguageHeader() throws Exception {
        String pageUrl = "http://example.org/";
        FetchRequest request = request(pageUrl, TaskScope.ofSeeds(List.of(pageUrl)), true);
        HttpMessages german = new HttpMessages("http/1.1", "GET", new String[0], "OK",
                new String[] {"Content-Type", "text/html", "content-language", "de-DE, en"}, true);

        harness.processElement(withHttp(request, "<html lang='EN-us'><p>hi</p></html>", german), 0);
        harness.processElement(withHttp(request, "<html><p>hallo</p></html>", german), 0);
        harness.processElement(withHttp(request, "<html lang='!!'><p>hallo</p></html>", german), 0);
        harness.processElement(ok(request, pageUrl, "text/html", utf8("<html><p>hi</p></html>")), 0);

        assertThat(records()).extracting(PageRecord::lang).containsExactly("en-US", "de-DE", "de-DE", null);
    }

    @Test
    void hashesTheBodyAsAWarcPayloadDigest() throws Exception {
        String pageUrl = "http://example.org/";
        FetchRequest request = request(pageUrl, TaskScope.ofSeeds(List.of(pageUrl)), true);

        harness.processElement(ok(request, pageUrl, "text/plain", utf8("abc")), 0);
        harness.processElement(ok(request, pageUrl, "text/html", new byte[0]), 0);

        assertThat(records()).extracting(PageRecord::contentHash)
                .containsExactly("sha1:VGMT4NSHA2AWVOR6EVYXQUGCNSONBWE5", null);
        assertThat(records()).extracting(PageRecord::simhash).containsOnlyNulls();
    }

    @Test
    void recordsTheCanonicalUrlAndARedirectsTarget() throws Exception {
        String pageUrl = "http://example.org/a?b=1&a=2";
        FetchRequest request = request(pageUrl, TaskScope.ofSeeds(List.of(pageUrl)), true);
        byte[] html = utf8("<head><link rel='canonical' href='/a#top'></head><a href='/b'>b</a>");

        harness.processElement(ok(request, pageUrl, "text/html", html), 0);
        harness.processElement(FetchFixtures.redirect(request, 301, "http://example.org/moved"), 0);

        assertThat(records()).extracting(PageRecord::canonical, PageRecord::location, PageRecord::status)
                .containsExactly(tuple("http://example.org/a", null, 200), tuple(null, "http://example.org/moved", 301));
    }

    @Test
    void yieldsARedirectsTargetWithItsRecord() throws Exception {
        FetchRequest request = request("http://example.org/old", TaskScope.ofSeeds(List.of("http://example.org/")), true);

        harness.processElement(FetchFixtures.redirect(request, 301, "http://example.org/new"), 0);

        assertThat(record().location()).isEqualTo("http://example.org/new");
        assertThat(links()).extracting(FrontierEntry::url, FrontierEntry::redirects)
                .containsExactly(tuple("http://example.org/new", 1));
        assertThat(harness.extractOutputValues().get(0).recorded()).isFalse();
    }

    @Test
    void makesOfAPageRecordedBeforeAFailureARecordOfItsOutcomeMarkedRecordedWithNothingElse() throws Exception {
        FetchRequest request = request("http://example.org/", TaskScope.ofSeeds(List.of("http://example.org/")), true);

        harness.processElement(FetchResult.recorded(request, new RecordedOutcome(0, "timeout")), 0);

        CrawledPage page = harness.extractOutputValues().get(0);
        assertThat(page.recorded()).isTrue();
        assertThat(page.links()).isEmpty();
        assertThat(page.record()).extracting(PageRecord::url, PageRecord::task, PageRecord::status, PageRecord::error)
                .containsExactly("http://example.org/", "test", 0, "timeout");
    }

    @Test
    void capsTheLinksOfOnePage() throws Exception {
        harness.close();
        harness = ProcessFunctionTestHarnesses.forProcessFunction(new PageParser(5));
        String html = IntStream.range(0, 20).mapToObj(i -> "<a href='/p" + i + "'>" + i + "</a>").collect(Collectors.joining());
        String pageUrl = "http://example.org/";

        harness.processElement(ok(request(pageUrl, TaskScope.ofSeeds(List.of(pageUrl)), true), pageUrl, "text/html", utf8(html)), 0);

        assertThat(links()).extracting(FrontierEntry::url).containsExactly(
                "http://example.org/p0", "http://example.org/p1", "http://example.org/p2", "http://example.org/p3", "http://example.org/p4");
    }

    private List<FrontierEntry> links() {
        return harness.extractOutputValues().stream().flatMap(page -> page.links().stream()).toList();
    }

    private List<PageRecord> records() {
        return harness.extractOutputValues().stream().map(CrawledPage::record).toList();
    }

    private PageRecord record() {
        List<PageRecord> records = records();
        assertThat(records).hasSize(1);
        return records.get(0);
    }

    private static FetchRequest request(String url, TaskScope scope, boolean followLinks) {
        return FetchFixtures.page(url, "test", 0, 0, followLinks, scope, FETCH);
    }

    private static FetchResult ok(FetchRequest request, String finalUrl, String contentType, byte[] body) {
        return FetchFixtures.response(request, 200, finalUrl, contentType, body, false, FETCHED_AT, 10);
    }

    private static PageRecord parse(PageParser parser, FetchResult result) throws Exception {
        return crawled(parser, result).record();
    }

    private static CrawledPage crawled(PageParser parser, FetchResult result) throws Exception {
        try (OneInputStreamOperatorTestHarness<FetchResult, CrawledPage> own = ProcessFunctionTestHarnesses.forProcessFunction(parser)) {
            own.processElement(result, 0);
            return own.extractOutputValues().get(0);
        }
    }

    private static FetchResult withHttp(FetchRequest request, String html, HttpMessages http) {
        return FetchResult.response(request, 200).finalUrl(request.url()).contentType("text/html")
                .body(utf8(html), false).timing(FETCHED_AT, 10).http(http).build();
    }

    private static byte[] get(String url) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = HttpClient.newHttpClient()
                .send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    private static byte[] resource(String name) {
        try (InputStream in = PageParserTest.class.getResourceAsStream("/parse/" + name)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] utf8(String html) {
        return html.getBytes(StandardCharsets.UTF_8);
    }
}
