package dev.grpcedge.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.testing.ConsoleCapture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * A smoke run of {@code grpc-edge bench verify}: JMH forks a JVM, verifies uncached tokens of every algorithm and
 * reports a rate for each. No rate is asserted beyond "some": CI machines are noisy.
 */
class BenchVerifyCommandTest {
  @Test
  void jmhMeasuresEveryAlgorithmInAForkedJvm() {
    var run = ConsoleCapture.run(() -> BenchMain.run("bench", "verify", "--json", "--threads", "1", "--warmup", "0s",
        "--duration", "500ms", "--iteration", "500ms"));

    assertEquals(0, run.exitCode(), run.err());
    for (String algorithm : new String[] {"RS256", "ES256", "EdDSA"}) {
      assertTrue(rate(run.out(), algorithm) > 0, algorithm + " in " + run.out());
    }
    // JMH's own report goes to stderr, so stdout stays one JSON object.
    assertTrue(run.err().contains("# Fork: 1 of 1"), run.err());
    assertEquals(1, run.out().lines().count(), run.out());
  }

  @Test
  void unknownAlgorithmIsAUsageErrorNamingTheChoices() {
    var run = ConsoleCapture.run(() -> BenchMain.run("bench", "verify", "--algorithm", "RS256,HS256"));

    assertEquals(2, run.exitCode(), run.out());
    assertTrue(run.err().contains("HS256") && run.err().contains("RS256, ES256, EdDSA"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void badDurationIsAUsageErrorNamingTheValue() {
    var run = ConsoleCapture.run(() -> BenchMain.run("bench", "verify", "--iteration", "0s"));
    assertEquals(2, run.exitCode(), run.out());
    assertTrue(run.err().contains("--iteration must be positive"), run.err());

    run = ConsoleCapture.run(() -> BenchMain.run("bench", "verify", "--warmup", "soon"));
    assertEquals(2, run.exitCode(), run.out());
    assertTrue(run.err().startsWith("grpc-edge bench verify: ") && run.err().contains("'soon'"), run.err());
  }

  private static double rate(String json, String algorithm) {
    Matcher m = Pattern.compile("\"" + algorithm + "\":([0-9.]+)").matcher(json);
    assertTrue(m.find(), json);
    return Double.parseDouble(m.group(1));
  }
}
