package dev.grpcedge.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The access-line encoder writes byte for byte what logback's pattern layout writes for its pattern. */
class AccessLineEncoderTest {
  private final LoggerContext context = new LoggerContext();

  @Test
  void linesMatchThePatternLayoutAcrossSecondsLevelsLoggersAndCharacters() {
    PatternLayoutEncoder pattern = new PatternLayoutEncoder();
    pattern.setContext(context);
    pattern.setPattern(AccessLineEncoder.PATTERN);
    pattern.setCharset(StandardCharsets.UTF_8);
    pattern.start();
    AccessLineEncoder encoder = new AccessLineEncoder();
    encoder.setContext(context);
    encoder.start();

    String line = "peer=/127.0.0.1:4567 method=greeter.Greeter/SayHello sub=alice status=OK duration_ms=0.12 in=1 out=1";
    Object[][] cases = {
        {"grpc-edge.access", Level.INFO, "2026-11-24T08:42:20.000Z", line},
        {"grpc-edge.access", Level.INFO, "2026-11-24T08:42:20.005Z", line},
        {"grpc-edge.access", Level.INFO, "2026-11-24T08:42:20.059Z", "sub=José client_cert=\"CN=Zoë,O=Ünïcode\" 😀"},
        {"grpc-edge.access", Level.INFO, "2026-11-24T08:42:21.999Z", ""},
        {"grpc-edge.access", Level.WARN, "2026-12-31T23:59:59.999Z", line},
        {"dev.grpcedge.server.GatewayServer", Level.ERROR, "2027-01-01T00:00:00.100Z", "{} braces stay"},
        {"plain", Level.DEBUG, "1999-01-01T00:00:00.001Z", line},
    };
    for (Object[] c : cases) {
      LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger((String) c[0]), (Level) c[1],
          (String) c[3], null, null);
      event.setTimeStamp(Instant.parse((String) c[2]).toEpochMilli());

      assertEquals(new String(pattern.encode(event), StandardCharsets.UTF_8),
          new String(encoder.encode(event), StandardCharsets.UTF_8));
    }
  }

  @Test
  void jsonLinesAreTheObjectAloneOnTheirLine() {
    AccessLineEncoder encoder = new AccessLineEncoder();
    encoder.setContext(context);
    encoder.start();
    encoder.setMessageOnly(true);
    String object = "{\"time\":\"2026-12-06T04:00:00.000Z\",\"sub\":\"José\"}";
    LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger("grpc-edge.access"), Level.INFO,
        object, null, null);
    assertEquals(object + "\n", new String(encoder.encode(event), StandardCharsets.UTF_8));
  }

  @Test
  void linesEncodedFromManyThreadsAtOnceComeOutWhole() throws Exception {
    AccessLineEncoder encoder = new AccessLineEncoder();
    encoder.setContext(context);
    encoder.start();
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> wrong = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        wrong.add(threads.submit(() -> {
          int bad = 0;
          for (int i = 0; i < 20_000; i++) {
            // Each thread its own second and line length, so a shared buffer or prefix shows in the output.
            String message = "thread=" + thread + " line=" + i + " " + "x".repeat(thread * 40);
            LoggingEvent event = new LoggingEvent(getClass().getName(), context.getLogger("grpc-edge.access"),
                Level.INFO, message, null, null);
            event.setTimeStamp(Instant.parse("2026-11-24T08:42:2" + thread + ".123Z").toEpochMilli());
            String expected = "2026-11-24T08:42:2" + thread + ".123Z INFO  access - " + message + "\n";
            if (!expected.equals(new String(encoder.encode(event), StandardCharsets.UTF_8))) {
              bad++;
            }
          }
          return bad;
        }));
      }
      for (Future<Integer> w : wrong) {
        assertEquals(0, w.get());
      }
    } finally {
      threads.shutdownNow();
    }
  }
}
