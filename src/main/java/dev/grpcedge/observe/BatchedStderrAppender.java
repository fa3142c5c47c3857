package dev.grpcedge.observe;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;

/**
 * The access lines' appender: standard error through a 64 KiB buffer that {@link AccessLogWriter} flushes after
 * each batch, so a batch costs one write to the file descriptor rather than one per line (as a proxy's access log
 * does). It writes through descriptor 2 itself, so its lines and the other log lines share one file offset, and it
 * never closes it.
 */
public final class BatchedStderrAppender extends OutputStreamAppender<ILoggingEvent> {
  @Override
  public void start() {
    setImmediateFlush(false);
    setOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.err), 64 * 1024));
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

  @Override
  protected void closeOutputStream() {
    // Standard error outlives the appender: flush, never close.
    if (getOutputStream() != null) {
      flush();
    }
  }
}
