package dev.grpcedge.defence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.LogCapture;
import dev.grpcedge.testing.RawHttp2Client;
import dev.grpcedge.testing.TestGateway;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each attack from a raw HTTP/2 client over TLS, against a gateway with its default defences, while a legitimate
 * client keeps calling on its own connection: the attacking connection gets GOAWAY ENHANCE_YOUR_CALM within a
 * bounded number of frames, its one summary line names why, and every legitimate call succeeds.
 */
class Http2AttacksTest {
  private static final String SAY_HELLO = "/greeter.Greeter/SayHello";
  private static final String BIDI = "/greeter.Greeter/BidiHello";

  @TempDir static Path dir;
  static TestGateway gateway;
  static LogCapture defenceLog;

  @BeforeAll
  static void start() {
    gateway = TestGateway.in(dir).start();
    defenceLog = LogCapture.of("dev.grpcedge.defence");
  }

  @AfterAll
  static void stop() {
    defenceLog.close();
    gateway.close();
  }

  /** The attack's outcome, and the legitimate calls made meanwhile. */
  private record Outcome(RawHttp2Client.Ending ending, int framesWritten, int legitimateOk, int legitimateFailed) {}

  private interface Attack {
    /** Writes the next frames of the attack; returns how many. */
    int step(RawHttp2Client attacker) throws IOException;
  }

  private static Outcome underLegitimateLoad(int maxFrames, Attack attack) throws Exception {
    var stub = GreeterGrpc.newBlockingStub(gateway.channel());
    String token = gateway.token("greet");
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    Thread legitimate = new Thread(() -> {
      while (!stop.get()) {
        try {
          var reply = stub.withCallCredentials(bearer(token)).withDeadlineAfter(10, TimeUnit.SECONDS)
              .sayHello(HelloRequest.newBuilder().setName("legit").build());
          if (reply.getMessage().equals("Hello, legit!")) {
            ok.incrementAndGet();
          } else {
            failed.incrementAndGet();
          }
        } catch (RuntimeException e) {
          failed.incrementAndGet();
        }
      }
    });
    legitimate.start();
    int written = 0;
    RawHttp2Client.Ending ending;
    try (RawHttp2Client attacker = new RawHttp2Client(gateway.port(), gateway.caFile())) {
      try {
        while (written < maxFrames) {
          written += attack.step(attacker);
          attacker.flush();
        }
      } catch (IOException e) {
        // Cut while writing: what it was told comes next.
      }
      ending = attacker.awaitEnd(10);
    }
    // Legitimate calls go on after the cut too.
    int before = ok.get();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (ok.get() < before + 20 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    stop.set(true);
    legitimate.join();
    return new Outcome(ending, written, ok.get(), failed.get());
  }

  private static io.grpc.CallCredentials bearer(String token) {
    return dev.grpcedge.client.BearerCredentials.of(token);
  }

  /** Frames that can arrive with the one over a limit, in what the server read at once (64 KiB of small frames). */
  private static final int READ_SLACK = 5000;

  private static int count(String line, String regex) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile(regex).matcher(line);
    assertTrue(m.find(), line);
    return Integer.parseInt(m.group(1));
  }

  private static void assertBetween(int min, int max, int actual, String context) {
    assertTrue(actual >= min && actual <= max, actual + " not in " + min + ".." + max + ": " + context);
  }

  private static void assertCalmedAndLegitimateCallsSucceeded(Outcome outcome) {
    assertEquals(RawHttp2Client.ENHANCE_YOUR_CALM, outcome.ending().goAwayCode(), outcome.toString());
    assertEquals(0, outcome.legitimateFailed(), outcome.toString());
    assertTrue(outcome.legitimateOk() >= 20, outcome.toString());
  }

  @Test
  void rapidResetIsCutAfterTwoHundredResets() throws Exception {
    Outcome outcome = underLegitimateLoad(200_000, attacker -> {
      for (int i = 0; i < 50; i++) {
        attacker.reset(attacker.openStream(SAY_HELLO, Map.of()), RawHttp2Client.CANCEL);
      }
      return 100;
    });
    assertCalmedAndLegitimateCallsSucceeded(outcome);
    String line = defenceLog.await("too many resets (limits.http2.max_resets)", 5);
    // grpc-java cuts at the 201st reset; the frames already read with it in the same TLS records still pass.
    assertBetween(201, 201 + READ_SLACK, count(line, "(\\d+) streams reset by the client"), line);
  }

  @Test
  void madeYouResetIsCutByTheResetsTheServerSends() throws Exception {
    // WINDOW_UPDATE 0 on an open stream is a stream error: the server resets the stream (PROTOCOL_ERROR).
    Outcome outcome = underLegitimateLoad(200_000, attacker -> {
      for (int i = 0; i < 50; i++) {
        attacker.windowUpdate(attacker.openStream(BIDI, Map.of()), 0);
      }
      return 100;
    });
    assertCalmedAndLegitimateCallsSucceeded(outcome);
    String line = defenceLog.await("PROTOCOL_ERROR x", 5);
    assertBetween(201, 201 + READ_SLACK, count(line, "PROTOCOL_ERROR x(\\d+)"), line);
  }

  @Test
  void emptyDataFramesAreCutAfterTen() throws Exception {
    int[] stream = {0};
    Outcome outcome = underLegitimateLoad(100_000, attacker -> {
      if (stream[0] == 0) {
        stream[0] = attacker.openStream(BIDI, Map.of());
      }
      for (int i = 0; i < 100; i++) {
        attacker.emptyData(stream[0]);
      }
      return 100;
    });
    assertCalmedAndLegitimateCallsSucceeded(outcome);
    String line = defenceLog.await("11 consecutive empty DATA frames", 5);
    assertTrue(line.contains("cut (GOAWAY ENHANCE_YOUR_CALM)"), line);
  }

  @Test
  void continuationFloodIsCutAtSeventeen() throws Exception {
    Outcome outcome = underLegitimateLoad(100_000, attacker -> {
      attacker.headersInPieces(SAY_HELLO, 1000);
      return 1001;
    });
    assertCalmedAndLegitimateCallsSucceeded(outcome);
    defenceLog.await("17 CONTINUATION frames in one header block", 5);
  }

  @Test
  void settingsFloodIsCutAfterAHundredInAWindow() throws Exception {
    Outcome outcome = underLegitimateLoad(100_000, attacker -> {
      for (int i = 0; i < 100; i++) {
        attacker.settings();
      }
      return 100;
    });
    assertCalmedAndLegitimateCallsSucceeded(outcome);
    // The client's preface carries one SETTINGS too: the 101st frame is the 100th of the flood.
    defenceLog.await("101 SETTINGS frames within limits.http2.window", 5);
  }

  @Test
  void pingFloodIsCutByKeepaliveEnforcement() throws Exception {
    Outcome outcome = underLegitimateLoad(10_000, attacker -> {
      attacker.ping();
      return 1;
    });
    assertCalmedAndLegitimateCallsSucceeded(outcome);
    defenceLog.await("cut (GOAWAY ENHANCE_YOUR_CALM): pings too often (limits.http2.min_ping_interval)", 5);
  }
}
