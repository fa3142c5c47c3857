package dev.grpcedge.observe;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.jctools.queues.MpscArrayQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands access lines to the {@value AccessLogInterceptor#LOGGER} logger from one background thread, a batch every
 * {@link #FLUSH_EVERY}, so a call only adds its record to a bounded lock-free queue (JCTools' many-producer,
 * one-consumer array queue: one compare-and-set, no node, no separate count); the line's text is made on that thread,
 * in one reused buffer. An asynchronous appender instead wakes its writer thread for nearly every line: a futex call
 * and a context switch on each call's path. A batch is written in chunks of {@value #CHUNK} lines, one write to the
 * descriptor each, and the thread yields its core between chunks while the backlog is short, so calls on a busy core
 * wait for one chunk, not for the whole batch. When {@code maxPending} lines are already waiting (the output has
 * stalled), callers write their own lines: nothing is dropped and memory stays bounded. Lines reach the log at most
 * {@link #FLUSH_EVERY} after their call ended. When the logger's only appender is the {@link BatchedStderrAppender}, a
 * chunk goes to it in one piece, without a logging event per line; otherwise each line is logged and the chunk ends
 * with a flush of that appender, if there is one.
 */
public final class AccessLogWriter implements AutoCloseable {
  /** How often waiting lines are written. */
  public static final Duration FLUSH_EVERY = Duration.ofMillis(20);

  /** Lines written in one go before the writer yields its core. */
  static final int CHUNK = 256;

  private static final Logger log = LoggerFactory.getLogger(AccessLogInterceptor.LOGGER);

  /** One access line, made into text only when it is written. */
  @FunctionalInterface
  interface AccessLine {
    void appendTo(StringBuilder out);
  }

  // One consumer at a time: flush() is synchronized.
  private final MpscArrayQueue<AccessLine> pending;
  private final int yieldBelow; // the writer yields between chunks only while fewer lines than this wait
  private final StringBuilder text = new StringBuilder(256); // guarded by this: flush() only
  private int chunkLeft; // guarded by this: lines the current chunk may still take
  private final ScheduledExecutorService flusher;
  private volatile boolean closed;

  private AccessLogWriter(int maxPending) {
    this.pending = new MpscArrayQueue<>(maxPending);
    this.yieldBelow = pending.capacity() / 4;
    this.flusher = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread t = new Thread(runnable, "grpc-edge-access-log");
      t.setDaemon(true);
      return t;
    });
    long millis = FLUSH_EVERY.toMillis();
    flusher.scheduleWithFixedDelay(this::flush, millis, millis, TimeUnit.MILLISECONDS);
  }

  /**
   * A writer holding at most {@code maxPending} lines (rounded up to a power of two) before callers write their
   * own.
   */
  public static AccessLogWriter start(int maxPending) {
    return new AccessLogWriter(maxPending);
  }

  /** Whether access lines are logged at all (the logger's level lets INFO through). */
  boolean enabled() {
    return log.isInfoEnabled();
  }

  void write(AccessLine line) {
    if (closed || !pending.offer(line)) {
      StringBuilder own = new StringBuilder(256);
      line.appendTo(own);
      log.info(own.toString());
      flushAppenders();
    }
  }

  private synchronized void flush() {
    if (pending.isEmpty()) {
      return;
    }
    // Looked up once a batch: the logging set-up does not change between chunks.
    BatchedStderrAppender direct = soleBatchedAppender(log);
    for (boolean first = true; !pending.isEmpty(); first = false) {
      if (!first && pending.size() < yieldBelow) {
        // Let the event loops in between chunks: on a busy core, a batch of thousands of lines written in one go
        // would hold back every call that arrives meanwhile by the whole batch's time. Not once the backlog has
        // grown to a quarter of the queue: on a saturated core a yield gives the core away until the next tick, so
        // a writer that kept yielding would fall behind until the queue filled and every call wrote its own line.
        Thread.yield();
      }
      chunkLeft = CHUNK;
      if (direct != null && direct.appendInfoLines(AccessLogInterceptor.LOGGER, this::next)) {
        continue;
      }
      for (CharSequence line; (line = next()) != null; ) {
        log.info(line.toString());
      }
      flushAppenders();
    }
  }

  /** The next waiting line of this chunk, its text in {@link #text} (valid until the next call), or null. */
  private CharSequence next() {
    if (chunkLeft == 0) {
      return null;
    }
    AccessLine line = pending.poll();
    if (line == null) {
      return null;
    }
    chunkLeft--;
    text.setLength(0);
    line.appendTo(text);
    return text;
  }

  /**
   * The access logger's {@link BatchedStderrAppender} when a batch may go to it directly, with the same result as
   * logging each line at INFO: the logger lets INFO through, has no other appender, does not pass events on to its
   * parents, and no turbo filter could judge an event ({@link StreamErrorFilter}, which judges only grpc-java's
   * stream errors, is the one that may be there). Null otherwise (as when an operator routes the access lines
   * elsewhere, or a test captures them); then each line is logged.
   */
  static BatchedStderrAppender soleBatchedAppender(Logger logger) {
    if (!(logger instanceof ch.qos.logback.classic.Logger logback) || logback.isAdditive()
        || !logback.getLoggerContext().getTurboFilterList().stream().allMatch(StreamErrorFilter.class::isInstance)
        || !logback.isInfoEnabled()) {
      return null;
    }
    var appenders = logback.iteratorForAppenders();
    if (!appenders.hasNext()) {
      return null;
    }
    var only = appenders.next();
    return !appenders.hasNext() && only instanceof BatchedStderrAppender batched ? batched : null;
  }

  /** Ends a batch: appenders that buffer lines ({@link BatchedStderrAppender}) write them out now. */
  private static void flushAppenders() {
    if (log instanceof ch.qos.logback.classic.Logger logback) {
      logback.iteratorForAppenders().forEachRemaining(appender -> {
        if (appender instanceof BatchedStderrAppender batched) {
          batched.flush();
        }
      });
    }
  }

  /** Writes what is waiting and stops the background thread; later lines are written by their callers. */
  @Override
  public void close() {
    closed = true;
    flusher.shutdown();
    try {
      flusher.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    flush();
  }
}
