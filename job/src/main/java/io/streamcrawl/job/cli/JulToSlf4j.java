package io.streamcrawl.job.cli;

import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.SimpleFormatter;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A java.util.logging handler that hands records to slf4j. gRPC inside jetcd logs through JUL,
 * whose default console handler would print its INFO lines among crawlctl's own output; routed
 * here they go where the CLI's log4j configuration sends the rest of its logging.
 */
final class JulToSlf4j extends Handler {
    private final SimpleFormatter formatter = new SimpleFormatter();

    /** Replaces JUL's handlers (the console) with this one, for the whole JVM. */
    static void install() {
        LogManager.getLogManager().reset();
        java.util.logging.Logger.getLogger("").addHandler(new JulToSlf4j());
    }

    @Override
    public void publish(LogRecord record) {
        Logger log = LoggerFactory.getLogger(record.getLoggerName() == null ? "jul" : record.getLoggerName());
        String message = formatter.formatMessage(record);
        int level = record.getLevel().intValue();
        if (level >= Level.SEVERE.intValue()) {
            log.error(message, record.getThrown());
        } else if (level >= Level.WARNING.intValue()) {
            log.warn(message, record.getThrown());
        } else if (level >= Level.INFO.intValue()) {
            log.info(message, record.getThrown());
        } else {
            log.debug(message, record.getThrown());
        }
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
}
