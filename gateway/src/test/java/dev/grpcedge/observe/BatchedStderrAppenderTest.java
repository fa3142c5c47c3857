package dev.grpcedge.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.turbo.MarkerFilter;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.read.ListAppender;
import ch.qos.logback.core.spi.FilterReply;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;
import org.junit.jupiter.api.Test;

/**
 * A batch of access lines handed to the appender directly comes out as logging each line would have written it,
 * and the writer hands batches over only when that holds.
 */
class BatchedStderrAppenderTest {
  private static final List<String> LINES = List.of(
      "peer=/127.0.0.1:4567 method=greeter.Greeter/SayHello sub=alice status=OK duration_ms=0.12 in=1 out=1",
      "peer=/127.0.0.1:4567 method=greeter.Greeter/SayHello sub=José status=UNAUTHENTICATED duration_ms=0.05 in=0 "
          + "out=0 desc=\"token expired\"",
      "desc=\"{} {}\" 😀");

  private final LoggerContext context = new LoggerContext();
  private final Logger access = context.getLogger(AccessLogInterceptor.LOGGER);
  private final ByteArrayOutputStream written = new ByteArrayOutputStream();

  BatchedStderrAppenderTest() {
    context.setMDCAdapter(new LogbackMDCAdapter());
  }

  /** A started appender on {@link #written} with {@code encoder}. */
  private BatchedStderrAppender appender(ch.qos.logback.core.encoder.Encoder<ILoggingEvent> encoder) {
    BatchedStderrAppender appender = new BatchedStderrAppender(written);
    appender.setContext(context);
    encoder.setContext(context);
    encoder.start();
    appender.setEncoder(encoder);
    appender.start();
    return appender;
  }

  /** A started appender on {@link #written} with its own {@link AccessLineEncoder}, as logback.xml configures it. */
  private BatchedStderrAppender accessAppender() {
    return appender(new AccessLineEncoder());
  }

  /** The output without each line's timestamp (the first 24 characters), which differs between two writes. */
  private String writtenWithoutTimestamps() {
    StringBuilder out = new StringBuilder();
    for (String line : written.toString(StandardCharsets.UTF_8).split("\n", -1)) {
      out.append(line.length() >= 24 ? line.substring(24) : line).append('\n');
    }
    written.reset();
    return out.toString();
  }

  @Test
  void aBatchHandedOverDirectlyIsWrittenAsLoggingEachLineWould() {
    BatchedStderrAppender appender = accessAppender();
    access.setAdditive(false);
    access.addAppender(appender);

    LINES.forEach(access::info);
    appender.flush();
    String text = written.toString(StandardCharsets.UTF_8);
    String logged = writtenWithoutTimestamps();

    Queue<String> batch = new ArrayDeque<>(LINES);
    assertTrue(appender.appendInfoLines(AccessLogInterceptor.LOGGER, batch::poll));
    String direct = written.toString(StandardCharsets.UTF_8);
    assertTrue(batch.isEmpty(), "every line was taken");
    assertEquals(logged, writtenWithoutTimestamps());
    assertEquals(3, logged.lines().filter(line -> line.startsWith(" INFO  access - ")).count(), logged);
    // Both carry a timestamp of the pattern's shape, and the batch is flushed without a separate flush().
    for (String output : List.of(text, direct)) {
      assertTrue(output.lines().allMatch(line -> line.matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z .*")),
          output);
    }
  }

  @Test
  void anAppenderThatWouldNotWriteAsTheAccessEncoderDoesDeclinesTheBatch() {
    PatternLayoutEncoder pattern = new PatternLayoutEncoder();
    pattern.setPattern("%msg%n");
    Queue<String> batch = new ArrayDeque<>(LINES);
    assertFalse(appender(pattern).appendInfoLines(AccessLogInterceptor.LOGGER, batch::poll));

    BatchedStderrAppender filtered = accessAppender();
    filtered.addFilter(new Filter<>() {
      @Override
      public FilterReply decide(ILoggingEvent event) {
        return FilterReply.DENY;
      }
    });
    assertFalse(filtered.appendInfoLines(AccessLogInterceptor.LOGGER, batch::poll));

    BatchedStderrAppender stopped = accessAppender();
    stopped.stop();
    assertFalse(stopped.appendInfoLines(AccessLogInterceptor.LOGGER, batch::poll));

    assertEquals(LINES.size(), batch.size(), "a declined batch takes no line");
    assertEquals(0, written.size());
  }

  @Test
  void shippedLoggingConfigSendsAccessBatchesStraightToTheirAppender() throws Exception {
    // The real logback.xml, with its turbo filter for grpc-java's stream errors: the fast path must survive it.
    ch.qos.logback.classic.LoggerContext shipped = new ch.qos.logback.classic.LoggerContext();
    ch.qos.logback.classic.joran.JoranConfigurator configurator = new ch.qos.logback.classic.joran.JoranConfigurator();
    configurator.setContext(shipped);
    configurator.doConfigure(getClass().getResource("/logback.xml"));
    assertEquals(1, shipped.getTurboFilterList().size());
    assertSame(shipped.getLogger(AccessLogInterceptor.LOGGER).getAppender("ACCESS"),
        AccessLogWriter.soleBatchedAppender(shipped.getLogger(AccessLogInterceptor.LOGGER)));
    shipped.stop();
  }

  @Test
  void batchesGoDirectlyOnlyToTheLoggersSoleBatchedAppender() {
    BatchedStderrAppender batched = accessAppender();
    access.addAppender(batched);
    access.setLevel(Level.INFO);

    assertNull(AccessLogWriter.soleBatchedAppender(access), "events would also reach the parents' appenders");
    access.setAdditive(false);
    assertSame(batched, AccessLogWriter.soleBatchedAppender(access));

    ListAppender<ILoggingEvent> capture = new ListAppender<>();
    capture.start();
    access.addAppender(capture);
    assertNull(AccessLogWriter.soleBatchedAppender(access), "a second appender must get every line too");
    access.detachAppender(capture);

    access.setLevel(Level.WARN);
    assertNull(AccessLogWriter.soleBatchedAppender(access), "INFO lines are turned off");
    access.setLevel(Level.INFO);

    MarkerFilter marker = new MarkerFilter();
    context.addTurboFilter(marker);
    assertNull(AccessLogWriter.soleBatchedAppender(access), "a turbo filter could drop a line");
    context.getTurboFilterList().remove(marker);
    assertSame(batched, AccessLogWriter.soleBatchedAppender(access));
    StreamErrorFilter streamErrors = new StreamErrorFilter();
    context.addTurboFilter(streamErrors);
    assertSame(batched, AccessLogWriter.soleBatchedAppender(access), "the stream-error filter never sees access lines");
    context.getTurboFilterList().remove(streamErrors);

    assertNull(AccessLogWriter.soleBatchedAppender(org.slf4j.helpers.NOPLogger.NOP_LOGGER));
  }
}
