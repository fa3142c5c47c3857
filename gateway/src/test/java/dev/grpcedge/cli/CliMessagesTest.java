package dev.grpcedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.Main;
import dev.grpcedge.testing.ConsoleCapture;
import dev.grpcedge.testing.Subprocess;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.TestPki;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code grpc-edge call} says when something is wrong: one line naming the flag, the file or the target and
 * what to do, exit 2 for a usage error and 1 for a failed call, and never a stack trace or transport internals.
 */
class CliMessagesTest {
  @TempDir static Path dir;
  static TestGateway gateway;
  static String token;

  @BeforeAll
  static void start() {
    gateway = TestGateway.in(dir).start();
    token = gateway.token("greet");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static ConsoleCapture.Result run(String... args) {
    return ConsoleCapture.run(() -> Main.run(args));
  }

  /** {@code call} against the test gateway, trusting its CA unless the arguments say otherwise. */
  private static ConsoleCapture.Result call(String... args) {
    List<String> all = new ArrayList<>(List.of("call"));
    all.addAll(List.of(args));
    if (!all.contains("--target")) {
      all.addAll(List.of("--target", gateway.target()));
    }
    if (!all.contains("--ca")) {
      all.addAll(List.of("--ca", gateway.caFile().toString()));
    }
    return run(all.toArray(new String[0]));
  }

  private static void assertOneLine(ConsoleCapture.Result r, int exitCode, String expected) {
    assertEquals(exitCode, r.exitCode(), r.err());
    assertEquals(expected, r.err().lines().findFirst().orElse(""), r.err());
    assertFalse(r.err().contains("\tat ") || r.err().contains("Exception"), "a stack trace: " + r.err());
  }

  @Test
  void durationWithoutAUnitIsAUsageErrorWithoutAStackTrace() {
    ConsoleCapture.Result r = call("LotsOfReplies", "--interval", "5", "--token", token);
    assertOneLine(r, 2, "grpc-edge call: Invalid value for option '--interval': expected a duration with a unit,"
        + " such as 500ms, 30s, 10m, 1h or 2d, got '5'");
    assertEquals(List.of("See 'grpc-edge call --help'."), r.err().lines().skip(1).toList());
  }

  @Test
  void misspeltOptionIsAUsageErrorWithASuggestion() {
    assertOneLine(call("SayHello", "--nmae", "Ann"), 2,
        "grpc-edge call: Unknown options: '--nmae', 'Ann' (did you mean --name?)");
  }

  @Test
  void missingCaFileIsNamed() {
    assertOneLine(call("SayHello", "--ca", "/nonexistent.pem", "--token", token), 2,
        "grpc-edge call: /nonexistent.pem: CA bundle file not found");
  }

  @Test
  void caThatDoesNotTrustTheServerSaysSo() {
    Path other = dir.resolve("other-ca.pem");
    TestPki.create("some other CA").writeCa(other);
    for (String transport : List.of("netty", "okhttp")) {
      assertOneLine(call("SayHello", "--ca", other.toString(), "--transport", transport, "--token", token), 1,
          "grpc-edge call: UNAVAILABLE: the server's certificate is not signed by a CA in " + other);
    }
  }

  @Test
  void missingTokenFileIsNamed() {
    assertOneLine(call("SayHello", "--token-file", "/nonexistent"), 2,
        "grpc-edge call: --token-file /nonexistent: file not found");
  }

  @Test
  void urlAsTargetSaysWhatToWriteInstead() {
    assertOneLine(call("SayHello", "--target", "https://localhost:8443", "--token", token), 2,
        "grpc-edge call: --target takes HOST:PORT, not a URL: use --target localhost:8443");
  }

  @Test
  void deadlineNamesTheFlagNotGrpcsTimings() {
    ConsoleCapture.Result r = call("LotsOfReplies", "--count", "5", "--interval", "500ms", "--deadline", "300ms",
        "--token", token);
    assertOneLine(r, 1, "grpc-edge call: DEADLINE_EXCEEDED: no answer within --deadline 300ms");
    assertFalse(r.err().contains("delay") || r.err().contains("remote_addr"), r.err());
  }

  @Test
  void nothingListeningSaysSo() throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    assertOneLine(call("SayHello", "--target", "127.0.0.1:" + port, "--token", token), 1,
        "grpc-edge call: UNAVAILABLE: cannot connect to 127.0.0.1:" + port
            + ": connection refused (is the gateway running there?)");
  }

  @Test
  void negativeCountIsAUsageError() {
    assertOneLine(call("LotsOfReplies", "--count", "-1", "--token", token), 2,
        "grpc-edge call: --count must be 0 or more, got -1");
  }

  @Test
  void versionIsTheProjectsVersion() {
    ConsoleCapture.Result r = run("--version");
    assertEquals(0, r.exitCode());
    assertEquals("grpc-edge " + System.getProperty("project.version") + "\n", r.out());
    assertFalse(r.out().contains("dev"), r.out());
  }

  @Test
  void defaultFilesAreFoundInTheGrpcEdgeFolderNotTheWorkingDirectory() throws Exception {
    Path install = dir.resolve("opt/grpc-edge");
    java.nio.file.Files.createDirectories(install.resolve("config"));
    java.nio.file.Files.writeString(install.resolve("config/gateway.yaml"), "{}");
    assertEquals(install, Defaults.homeOf(install.resolve("gateway/target/grpc-edge.jar")));
    assertEquals(install, Defaults.homeOf(install.resolve("lib/grpc-edge.jar")));
    assertEquals(null, Defaults.homeOf(dir.resolve("elsewhere/grpc-edge.jar")));
    // From this module's classes (gateway/target/classes) up to the repository.
    assertEquals(Subprocess.projectDir().resolve("config/gateway.yaml"), Defaults.config());
  }

  @Test
  void targetDefaultsToWhereServeListens() {
    assertEquals("localhost:8443", Defaults.target(java.util.Map.of()));
    assertEquals("127.0.0.1:9443", Defaults.target(java.util.Map.of("GRPC_EDGE_LISTEN", "127.0.0.1:9443")));
    assertEquals("localhost:9443", Defaults.target(java.util.Map.of("GRPC_EDGE_LISTEN", "0.0.0.0:9443")));
    assertEquals("[::1]:9443", Defaults.target(java.util.Map.of("GRPC_EDGE_LISTEN", "[::1]:9443")));
  }
}
