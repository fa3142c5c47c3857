package dev.grpcedge.observe;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.function.Supplier;

/**
 * The access lines' appender: standard error through a 64 KiB buffer that {@link AccessLogWriter} flushes after each
 * chunk of lines, so a chunk costs one write to the file descriptor rather than one per line (as a proxy's access log
 * does). It writes through descriptor 2 itself, so its lines and the other log lines share one file offset, and it
 * never closes it. {@link #appendInfoLines} takes a whole chunk without a logging event per line.
 */
public final class BatchedStderrAppender extends OutputStreamAppender<ILoggingEvent> {
  private final OutputStream target;

  /** An appender on standard error (descriptor 2), as logback configuration creates it. */
  public BatchedStderrAppender() {
    this(new FileOutputStream(FileDescriptor.err));
  }

  /** An appender on {@code target}, which it flushes but never closes. */
  BatchedStderrAppender(OutputStream target) {
    this.target = target;
  }

  @Override
  public void start() {
    setImmediateFlush(false);
    setOutputStream(new BufferedOutputStream(target, 64 * 1024));
    super.start();
  }

  /** Writes out what the buffer holds. */
  public void flush() {
    streamWriteLock.lock();
    try {
      getOutputStream().flush();
    } catch (IOException e) {
      addError("cannot write access lines to standard error", e);
    } finally {
      streamWriteLock.unlock();
    }
  }

  /**
   * Writes each line {@code lines} supplies (until it supplies null) as this appender would write an INFO event of
   * {@code loggerName} with that message, under one lock and with one flush at the end: no logging event per line,
   * with its level and filter checks, its lock, and its copies of the thread name and MDC.
   * Returns false, having taken no line, when the appender is stopped, has filters, or does not encode with
   * {@link AccessLineEncoder}: then the lines must go through the logger.
   */
  boolean appendInfoLines(String loggerName, Supplier<? extends CharSequence> lines) {
    if (!isStarted() || !(getEncoder() instanceof AccessLineEncoder encoder)
        || !getCopyOfAttachedFiltersList().isEmpty()) {
      return false;
    }
    long millis = System.currentTimeMillis();
    streamWriteLock.lock();
    try {
      OutputStream out = getOutputStream();
      for (CharSequence line; (line = lines.get()) != null; ) {
        encoder.write(out, millis, loggerName, Level.INFO, line);
      }
      out.flush();
    } catch (IOException e) {
      addError("cannot write access lines to standard error", e);
    } finally {
      streamWriteLock.unlock();
    }
    return true;
  }

  @Override
  protected void closeOutputStream() {
    // Standard error outlives the appender: flush, never close.
    if (getOutputStream() != null) {
      flush();
    }
  }
}
