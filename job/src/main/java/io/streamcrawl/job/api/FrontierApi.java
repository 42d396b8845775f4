package io.streamcrawl.job.api;

import io.streamcrawl.job.config.CrawlerConfigLoader;

/**
 * The URLFrontier API process (wrapped by scripts/frontier-api): serves until stopped, on the
 * Redis and etcd of the crawl's configuration ({@code --config FILE}, {@code --<option> VALUE}).
 */
public final class FrontierApi {
    private FrontierApi() {}

    public static void main(String[] args) throws InterruptedException {
        FrontierApiServer server;
        try {
            server = FrontierApiServer.start(CrawlerConfigLoader.fromArgs(args));
        } catch (IllegalArgumentException e) {
            System.err.println("frontier-api: " + e.getMessage());
            System.exit(2);
            return;
        }
        System.out.println("frontier-api: serving the URLFrontier API on port " + server.port());
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "frontier-api-shutdown"));
        server.awaitTermination();
    }
}
