package io.pgferry;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Writes log lines to standard error through a buffer flushed every 100 ms, at once for WARN and above, and at
 * exit. Under a connect-per-transaction load the two lines per connection otherwise cost the event loop a write
 * system call each (loadtest/INVESTIGATIONS.md). Lines are never split between writes, so they do not interleave with
 * other output. A process killed outright loses at most the last interval.
 */
public final class BufferedStderrAppender extends OutputStreamAppender<ILoggingEvent> {
    private static final int BUFFER_BYTES = 64 * 1024;
    private static final long FLUSH_MILLIS = 100;

    private ScheduledExecutorService flusher;
    private Thread exitFlush;

    @Override
    public void start() {
        setOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.err), BUFFER_BYTES));
        setImmediateFlush(false);
        super.start();
        flusher = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "pgferry-log-flush");
            thread.setDaemon(true);
            return thread;
        });
        flusher.scheduleWithFixedDelay(this::flush, FLUSH_MILLIS, FLUSH_MILLIS, TimeUnit.MILLISECONDS);
        // Shutdown hooks run together, and others may still log: after this one, every line is written at once.
        exitFlush = new Thread(this::flushFromNowOn, "pgferry-log-exit");
        Runtime.getRuntime().addShutdownHook(exitFlush);
    }

    @Override
    protected void subAppend(ILoggingEvent event) {
        super.subAppend(event);
        if (event.getLevel().isGreaterOrEqual(Level.WARN)) {
            flush();
        }
    }

    private void flush() {
        streamWriteLock.lock();
        try {
            if (getOutputStream() != null) {
                getOutputStream().flush();
            }
        } catch (IOException e) {
            addError("cannot flush log lines to stderr", e);
        } finally {
            streamWriteLock.unlock();
        }
    }

    private void flushFromNowOn() {
        streamWriteLock.lock();
        try {
            setImmediateFlush(true);
            flush();
        } finally {
            streamWriteLock.unlock();
        }
    }

    @Override
    public void stop() {
        if (flusher != null) {
            flusher.shutdownNow();
            try {
                Runtime.getRuntime().removeShutdownHook(exitFlush);
            } catch (IllegalStateException exiting) {
                // Already running: it flushes by itself.
            }
        }
        super.stop();
    }

    /** Stopping (a switch to JSON lines, or exit) flushes what is buffered but leaves the process's stderr open. */
    @Override
    protected void closeOutputStream() {
        flush();
    }
}
