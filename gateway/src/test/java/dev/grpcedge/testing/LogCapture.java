package dev.grpcedge.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/** Collects the lines one logger writes, and waits for a line containing some text. */
public final class LogCapture implements AutoCloseable {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  private LogCapture(String name) {
    logger = (Logger) LoggerFactory.getLogger(name);
    lines.start();
    logger.addAppender(lines);
  }

  public static LogCapture of(String loggerName) {
    return new LogCapture(loggerName);
  }

  public static LogCapture of(Class<?> type) {
    return new LogCapture(type.getName());
  }

  public List<String> lines() {
    // ListAppender appends under the appender's own lock (AppenderBase.doAppend is synchronized), not the list's.
    synchronized (lines) {
      return lines.list.stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
    }
  }

  /** Waits up to {@code seconds} for a line containing {@code text} and returns it. */
  public String await(String text, int seconds) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < until) {
      for (String line : lines()) {
        if (line.contains(text)) {
          return line;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no log line containing '" + text + "' in " + lines());
  }

  @Override
  public void close() {
    logger.detachAppender(lines);
  }
}
