package dev.grpcedge.defence;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.testing.LogCapture;
import dev.grpcedge.testing.RawHttp2Client;
import dev.grpcedge.testing.TestGateway;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web listener's HTTP/2 has the same defences as the gRPC listener's, from Netty's codec and the frame guard. */
class WebListenerAttacksTest {
  private static final String PATH = "/greeter.Greeter/SayHello";

  @TempDir static Path dir;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.in(dir).web("").start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private interface Frames {
    void write(RawHttp2Client attacker) throws IOException;
  }

  private static RawHttp2Client.Ending attack(int frames, Frames write) throws Exception {
    try (RawHttp2Client attacker = new RawHttp2Client(gateway.webPort(), gateway.caFile())) {
      try {
        for (int i = 0; i < frames; i++) {
          write.write(attacker);
          if (i % 50 == 49) {
            attacker.flush();
          }
        }
        attacker.flush();
      } catch (IOException e) {
        // Cut while writing.
      }
      return attacker.awaitEnd(10);
    }
  }

  @Test
  void rapidResetOnTheWebListenerIsCut() throws Exception {
    RawHttp2Client.Ending end = attack(50_000, a -> a.reset(a.openStream(PATH,
        Map.of("content-type", "application/grpc-web+proto")), RawHttp2Client.CANCEL));
    assertEquals(RawHttp2Client.ENHANCE_YOUR_CALM, end.goAwayCode(), end.toString());
  }

  @Test
  void continuationFloodOnTheWebListenerIsCutAndLogged() throws Exception {
    try (LogCapture defence = LogCapture.of("dev.grpcedge.defence")) {
      RawHttp2Client.Ending end = attack(10, a -> a.headersInPieces(PATH, 1000));
      assertEquals(RawHttp2Client.ENHANCE_YOUR_CALM, end.goAwayCode(), end.toString());
      String line = defence.await("17 CONTINUATION frames in one header block", 5);
      assertTrue(line.startsWith("WARN connection from 127.0.0.1 cut (GOAWAY ENHANCE_YOUR_CALM)"), line);
    }
  }

  @Test
  void emptyDataFramesOnTheWebListenerAreCut() throws Exception {
    int[] stream = {0};
    RawHttp2Client.Ending end = attack(10_000, a -> {
      if (stream[0] == 0) {
        stream[0] = a.openStream(PATH, Map.of());
      }
      a.emptyData(stream[0]);
    });
    assertEquals(RawHttp2Client.ENHANCE_YOUR_CALM, end.goAwayCode(), end.toString());
  }
}
