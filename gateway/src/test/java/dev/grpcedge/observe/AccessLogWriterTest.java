package dev.grpcedge.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.read.ListAppender;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Access lines leave the call's thread as records, come out in order, and none is lost when the writer stops. */
class AccessLogWriterTest {
  private final Logger access = (Logger) LoggerFactory.getLogger(AccessLogInterceptor.LOGGER);
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  @BeforeEach
  void capture() {
    events.start();
    access.addAppender(events);
  }

  @AfterEach
  void release() {
    access.detachAppender(events);
  }

  private static AccessLogWriter.AccessLine line(String text) {
    return out -> out.append(text);
  }

  private List<ILoggingEvent> snapshot() {
    synchronized (events) {
      return List.copyOf(events.list);
    }
  }

  @Test
  void linesAreMadeAndWrittenInOrderByTheWriterThreadNotTheCaller() throws Exception {
    try (AccessLogWriter writer = AccessLogWriter.start(1000)) {
      for (int i = 0; i < 100; i++) {
        int n = i;
        writer.write(out -> out.append("line ").append(n).append(" made on ").append(Thread.currentThread().getName()));
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (snapshot().size() < 100 && System.nanoTime() < until) {
        Thread.sleep(5);
      }
    }
    List<ILoggingEvent> lines = snapshot();
    assertEquals(100, lines.size());
    for (int i = 0; i < 100; i++) {
      assertEquals("line " + i + " made on grpc-edge-access-log", lines.get(i).getFormattedMessage());
      assertEquals("grpc-edge-access-log", lines.get(i).getThreadName());
    }
  }

  @Test
  void linesWaitingWhenTheWriterClosesAreWrittenBeforeCloseReturns() {
    AccessLogWriter writer = AccessLogWriter.start(1000);
    for (int i = 0; i < 500; i++) {
      writer.write(line("line " + i));
    }
    writer.close();
    assertEquals(500, snapshot().size());
    writer.write(line("after close"));
    assertEquals("after close", snapshot().get(500).getFormattedMessage());
  }

  @Test
  void whenTheBacklogIsFullCallersWriteTheirOwnLinesAndNoneIsDropped() {
    AccessLogWriter writer = AccessLogWriter.start(1);
    for (int i = 0; i < 200; i++) {
      writer.write(line("line " + i));
    }
    writer.close();
    List<ILoggingEvent> lines = snapshot();
    assertEquals(200, lines.size());
    assertEquals(200, lines.stream().map(ILoggingEvent::getFormattedMessage).distinct().count());
    assertTrue(lines.stream().anyMatch(e -> e.getThreadName().equals(Thread.currentThread().getName())),
        "a caller wrote its own line");
  }

  @Test
  void aLongBacklogIsWrittenInChunksOfAtMostChunkLinesInOrderWithNoneLost() {
    // The gateway's own set-up: the access logger's sole appender is a BatchedStderrAppender, so batches go to it
    // directly; here it writes to a stream that records what each write to the descriptor carried.
    access.detachAppender(events);
    // Null under the tests' logging set-up (logback-test.xml), which sends access lines to a file instead.
    Appender<ILoggingEvent> stderr = access.getAppender("ACCESS");
    if (stderr != null) {
      access.detachAppender(stderr);
    }
    List<String> writes = new ArrayList<>();
    BatchedStderrAppender recorded = new BatchedStderrAppender(new OutputStream() {
      @Override
      public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
      }

      @Override
      public synchronized void write(byte[] b, int off, int len) {
        writes.add(new String(b, off, len, java.nio.charset.StandardCharsets.UTF_8));
      }
    });
    recorded.setContext(access.getLoggerContext());
    AccessLineEncoder encoder = new AccessLineEncoder();
    encoder.setContext(access.getLoggerContext());
    encoder.start();
    recorded.setEncoder(encoder);
    recorded.start();
    access.addAppender(recorded);
    int count = 10 * AccessLogWriter.CHUNK + 7;
    try {
      AccessLogWriter writer = AccessLogWriter.start(2 * count);
      for (int i = 0; i < count; i++) {
        writer.write(line("line " + i));
      }
      writer.close();
    } finally {
      access.detachAppender(recorded);
      if (stderr != null) {
        access.addAppender(stderr);
      }
    }
    List<String> lines = new ArrayList<>();
    synchronized (recorded) {
      for (String write : writes) {
        List<String> inWrite = Arrays.asList(write.split("\n"));
        assertTrue(inWrite.size() <= AccessLogWriter.CHUNK, "one write carried " + inWrite.size() + " lines");
        lines.addAll(inWrite);
      }
    }
    assertTrue(writes.size() >= 11, "written in " + writes.size() + " writes");
    assertEquals(count, lines.size());
    for (int i = 0; i < count; i++) {
      assertTrue(lines.get(i).endsWith(" INFO  access - line " + i), lines.get(i));
    }
  }

  @Test
  void bracesInALineAreNotTakenForPlaceholders() {
    AccessLogWriter writer = AccessLogWriter.start(1);
    writer.write(line("desc=\"{} {}\""));
    writer.close();
    assertTrue(snapshot().get(0).getFormattedMessage().endsWith("\"{} {}\""));
  }
}
