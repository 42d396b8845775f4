package io.streamcrawl.job.model;

import io.streamcrawl.job.config.FetchSettings;
import io.streamcrawl.job.url.TaskScope;

/**
 * A URL released by the host scheduler for fetching, with what the fetcher and the parser
 * need to know of its task.
 *
 * @param followLinks whether links found on the page are kept (false at the task's max depth)
 * @param parent the URL of the page it was found on, or null for a seed
 * @param spacingMs the least time between the starts of two requests to the URL's host
 * @param purpose why it is fetched
 * @param redirects how many redirects led to this URL
 * @param attempt how many times it was fetched before and failed transiently
 * @param reportOutcome whether its outcome goes back to the host's scheduler even when it is a
 *     success (set while the host has recent failures, so a success can close its breaker)
 * @param release the scheduler's token of this release, carried back by a retry; 0 for robots.txt
 * @param releasedAt when the scheduler released it (its processing time, ms), carried back with
 *     a failure so that failures of requests in flight together count once; 0 when unknown
 * @param validators what the URL's earlier fetches left for a recrawl ({@link PageValidators#NONE}
 *     before the first); null when its task does not recrawl
 */
public record FetchRequest(
        String url,
        String task,
        int depth,
        int priority,
        boolean followLinks,
        TaskScope scope,
        FetchSettings fetch,
        String parent,
        long spacingMs,
        FetchPurpose purpose,
        int redirects,
        int attempt,
        boolean reportOutcome,
        long release,
        long releasedAt,
        PageValidators validators) {

    public FetchRequest {
        purpose = purpose == null ? FetchPurpose.PAGE : purpose;
    }

    /** A request of {@code url} for {@code task} with every other field named: a page at depth 0, no settings. */
    public static Builder builder(String url, String task) {
        return new Builder(url, task);
    }

    /** The frontier entry this request was released from, with the release's token. */
    public FrontierEntry entry() {
        return FrontierEntry.builder(url, task).depth(depth).priority(priority).parent(parent)
                .kind(purpose == FetchPurpose.SITEMAP ? EntryKind.SITEMAP : EntryKind.URL)
                .redirects(redirects).attempt(attempt).release(release).build();
    }

    /** Builds a request field by field; the only place besides the record that lists every field. */
    public static final class Builder {
        private final String url;
        private final String task;
        private int depth;
        private int priority;
        private boolean followLinks;
        private TaskScope scope;
        private FetchSettings fetch;
        private String parent;
        private long spacingMs;
        private FetchPurpose purpose = FetchPurpose.PAGE;
        private int redirects;
        private int attempt;
        private boolean reportOutcome;
        private long release;
        private long releasedAt;
        private PageValidators validators;

        private Builder(String url, String task) {
            this.url = url;
            this.task = task;
        }

        public Builder depth(int value) {
            depth = value;
            return this;
        }

        public Builder priority(int value) {
            priority = value;
            return this;
        }

        public Builder followLinks(boolean value) {
            followLinks = value;
            return this;
        }

        /** The task's scope and how its URLs are fetched. */
        public Builder task(TaskScope taskScope, FetchSettings settings) {
            scope = taskScope;
            fetch = settings;
            return this;
        }

        public Builder parent(String value) {
            parent = value;
            return this;
        }

        public Builder spacingMs(long value) {
            spacingMs = value;
            return this;
        }

        public Builder purpose(FetchPurpose value) {
            purpose = value;
            return this;
        }

        public Builder redirects(int value) {
            redirects = value;
            return this;
        }

        public Builder attempt(int value) {
            attempt = value;
            return this;
        }

        public Builder reportOutcome(boolean value) {
            reportOutcome = value;
            return this;
        }

        /** The scheduler's token of this release and when it released the request. */
        public Builder released(long token, long at) {
            release = token;
            releasedAt = at;
            return this;
        }

        public Builder validators(PageValidators value) {
            validators = value;
            return this;
        }

        public FetchRequest build() {
            return new FetchRequest(url, task, depth, priority, followLinks, scope, fetch, parent, spacingMs, purpose,
                    redirects, attempt, reportOutcome, release, releasedAt, validators);
        }
    }
}
