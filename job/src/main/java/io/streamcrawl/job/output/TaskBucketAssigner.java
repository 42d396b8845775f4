package io.streamcrawl.job.output;

import io.streamcrawl.job.config.TaskNames;

import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.streaming.api.functions.sink.filesystem.BucketAssigner;
import org.apache.flink.streaming.api.functions.sink.filesystem.bucketassigners.SimpleVersionedStringSerializer;
import org.apache.flink.util.function.SerializableFunction;

/**
 * Puts each record's file in a directory named for its crawl task, {@code <path>/<task>/}, so the
 * output of one task can be read, moved or deleted alone. A task name that is no valid task name
 * (it would not be safe as a directory name) goes to {@code _invalid-task}.
 */
final class TaskBucketAssigner<T> implements BucketAssigner<T, String> {
    private static final long serialVersionUID = 1L;
    static final String INVALID_TASK = "_invalid-task";

    private final SerializableFunction<T, String> taskOf;

    TaskBucketAssigner(SerializableFunction<T, String> taskOf) {
        this.taskOf = taskOf;
    }

    @Override
    public String getBucketId(T element, Context context) {
        String task = taskOf.apply(element);
        return TaskNames.isValid(task) ? task : INVALID_TASK;
    }

    @Override
    public SimpleVersionedSerializer<String> getSerializer() {
        return SimpleVersionedStringSerializer.INSTANCE;
    }
}
