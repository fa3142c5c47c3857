package dev.grpcedge.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.testing.ConsoleCapture;
import dev.grpcedge.testing.TestGateway;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench --protocol grpc-web} loads the web listener as a browser would, and counts statuses as bench does. */
class BenchGrpcWebTest {
  @TempDir Path dir;

  private static long count(String json, String key) {
    Matcher m = Pattern.compile("\"" + key + "\":(\\d+)").matcher(json);
    assertTrue(m.find(), json);
    return Long.parseLong(m.group(1));
  }

  @Test
  void grpcWebRunsCompleteWithOnlyOkCallsOrCountTheRefusals() {
    // The JDK's HTTP client opens a connection per refused call here: past the default 100 per address, the
    // gateway's connection limit (rightly) refuses it, so the load generator's address gets room.
    try (TestGateway gateway = TestGateway.in(dir).web("").limits("  connections:\n    per_ip: 100000\n")
        .start()) {
      String target = "localhost:" + gateway.webPort();
      ConsoleCapture.Result ok = ConsoleCapture.run(() -> BenchMain.run("bench", "--protocol", "grpc-web", "--target",
          target, "--ca", gateway.caFile().toString(), "--token", gateway.token("greet"), "--connections", "2",
          "--rate", "300", "--warmup", "1s", "--duration", "2s", "--json", "--no-progress"));
      assertEquals(0, ok.exitCode(), ok.err());
      assertTrue(count(ok.out(), "ok") >= 400, ok.out());
      assertTrue(ok.out().contains("\"errors\":{}"), ok.out());
      ConsoleCapture.Result refused = ConsoleCapture.run(() -> BenchMain.run("bench", "--protocol", "grpc-web",
          "--target", target, "--ca", gateway.caFile().toString(), "--concurrency", "4", "--warmup", "0s",
          "--duration", "1s", "--json", "--no-progress"));
      assertEquals(1, refused.exitCode());
      assertEquals(0, count(refused.out(), "ok"), refused.out());
      assertTrue(refused.out().contains("\"UNAUTHENTICATED\":"), refused.out());
      ConsoleCapture.Result usage = ConsoleCapture.run(() -> BenchMain.run("bench", "--protocol", "grpc-web",
          "--method", "BidiHello", "--target", target));
      assertEquals(2, usage.exitCode());
    }
  }
}
