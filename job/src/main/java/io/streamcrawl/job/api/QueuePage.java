package io.streamcrawl.job.api;

import crawlercommons.urlfrontier.Urlfrontier;

import java.util.List;

/** One page of a ListQueues answer, as the API's Pagination asks: from {@code start}, {@code size} queues (0: 100). */
final class QueuePage {
    static final int DEFAULT_SIZE = 100;

    private QueuePage() {}

    static Urlfrontier.QueueList of(String task, List<String> queues, int start, int size) {
        int from = Math.min(start, queues.size());
        int to = (int) Math.min(queues.size(), (long) from + (size == 0 ? DEFAULT_SIZE : size));
        List<String> page = queues.subList(from, to);
        return Urlfrontier.QueueList.newBuilder().setCrawlID(task).addAllValues(page).setTotal(queues.size())
                .setStart(from).setSize(page.size()).build();
    }
}
