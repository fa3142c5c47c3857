package dev.grpcedge.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.testing.ConsoleCapture;
import dev.grpcedge.testing.TestGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A smoke run of {@code grpc-edge bench} against a real gateway over TLS (about ten seconds in all): it completes,
 * counts OK calls and reports errors by status code. No timing is asserted: CI machines are noisy.
 */
class BenchCommandTest {
  @TempDir static Path dir;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.in(dir).start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static ConsoleCapture.Result bench(String... args) {
    List<String> all = new ArrayList<>(List.of("bench", "--target", gateway.target(), "--ca",
        gateway.caFile().toString(), "--json", "--no-progress", "--connections", "2"));
    all.addAll(List.of(args));
    return ConsoleCapture.run(() -> BenchMain.run(all.toArray(new String[0])));
  }

  private static long ok(String json) {
    Matcher m = Pattern.compile("\"ok\":(\\d+)").matcher(json);
    assertTrue(m.find(), json);
    return Long.parseLong(m.group(1));
  }

  @Test
  void unaryClosedLoopCompletesWithOnlyOkCalls() throws Exception {
    Path percentiles = dir.resolve("unary.tsv");
    var run = bench("--token", gateway.token("greet"), "--concurrency", "8", "--warmup", "1s", "--duration", "3s",
        "--percentiles-out", percentiles.toString());
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(ok(run.out()) > 0, run.out());
    assertTrue(run.out().contains("\"errors\":{}"), run.out());
    assertTrue(Files.readString(percentiles).lines().count() > 2, "percentile table written");
  }

  @Test
  void openLoopOffersTheRateAndCountsOkCalls() {
    var run = bench("--token", gateway.token("greet"), "--rate", "100", "--warmup", "0s", "--duration", "2s");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(run.out().contains("open loop, 100 calls/s offered"), run.out());
    // Every operation due in the 2 s is issued once, in whatever batches reach the event loop.
    assertEquals(200, ok(run.out()), run.out());
  }

  @Test
  void bidiStreamingRunCompletesWithOnlyOkMessages() {
    var run = bench("--token", gateway.token("greet"), "--method", "BidiHello", "--concurrency", "8",
        "--warmup", "1s", "--duration", "2s");
    assertEquals(0, run.exitCode(), run.err());
    assertTrue(ok(run.out()) > 0, run.out());
    assertTrue(run.out().contains("\"errors\":{}"), run.out());
  }

  @Test
  void callsWithoutATokenAreCountedAsUnauthenticatedAndExitOne() {
    var run = bench("--concurrency", "4", "--warmup", "0s", "--duration", "1s");
    assertEquals(1, run.exitCode(), run.err());
    assertEquals(0, ok(run.out()), run.out());
    assertTrue(run.out().matches("(?s).*\"errors\":\\{\"UNAUTHENTICATED\":[1-9]\\d*}.*"), run.out());
  }

  @Test
  void aTargetWithNothingListeningCountsUnavailableCallsAndExitsOne() throws Exception {
    int port;
    try (var socket = new java.net.ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    // Channels are connected before the load starts; one that cannot connect is left for the calls to report.
    var run = ConsoleCapture.run(() -> BenchMain.run("bench", "--target", "127.0.0.1:" + port, "--ca",
        gateway.caFile().toString(), "--json", "--no-progress", "--concurrency", "2", "--warmup", "0s", "--duration",
        "1s"));

    assertEquals(1, run.exitCode(), run.err());
    assertEquals(0, ok(run.out()), run.out());
    assertTrue(run.out().matches("(?s).*\"errors\":\\{\"UNAVAILABLE\":[1-9]\\d*}.*"), run.out());
  }

  @Test
  void aBTargetThatCannotBeOpenedIsAUsageErrorAndLeavesNoConnectionOfAOpen(@TempDir Path tmp) throws Exception {
    Path tokens = Files.writeString(tmp.resolve("tokens"), gateway.token("greet") + "\n");
    Set<Thread> before = loadGeneratorThreads();
    var run = ConsoleCapture.run(() -> BenchMain.run("bench", "ab", "--a-target", gateway.target(), "--b-target",
        "no-such-scheme://nowhere", "--ca", gateway.caFile().toString(), "--a-token-file", tokens.toString(),
        "--pairs", "2", "--warmup", "0s"));

    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("grpc-edge bench ab: Could not find a NameResolverProvider for no-such-scheme"),
        run.err());
    // A's channels were connected (their event loop threads started) before B's target was refused; threads of
    // earlier tests may still be ending, so only the ones started during this run are looked for.
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Set<Thread> started = startedSince(before);
    while (!started.isEmpty() && System.nanoTime() < until) {
      Thread.sleep(20);
      started = startedSince(before);
    }
    assertEquals(Set.of(), started, "A's event loop threads still run");
  }

  /** Live threads of the load generator's event loops (Netty's default names; grpc's own are named grpc-*). */
  private static Set<Thread> loadGeneratorThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.isAlive() && t.getName().startsWith("nioEventLoopGroup-")).collect(Collectors.toSet());
  }

  private static Set<Thread> startedSince(Set<Thread> before) {
    Set<Thread> now = loadGeneratorThreads();
    now.removeAll(before);
    return now;
  }

  @Test
  void batchWithSettleRepeatsOnlyTheFirstRunAndAtMostForTheGivenTime(@TempDir Path tmp) throws Exception {
    List<String> plan = new ArrayList<>();
    for (String label : List.of("warm-up", "measured")) {
      plan.addAll(List.of("--target", gateway.target(), "--ca", gateway.caFile().toString(), "--token",
          gateway.token("greet"), "--json", "--no-progress", "--warmup", "0s", "--duration", "1s", "--concurrency",
          "4", "--label", label, ""));
    }
    Path file = Files.write(tmp.resolve("plan"), plan);

    var run = ConsoleCapture.run(() -> BenchMain.run("bench", "batch", "--settle", "3", file.toString()));

    assertEquals(0, run.exitCode(), run.err());
    List<String> reports = run.out().lines().toList();
    long warmUps = reports.stream().filter(r -> r.startsWith("{\"label\":\"warm-up\"")).count();
    // Repeated while the JIT is busy, and only until the 3 s are up (runs of 1 s each).
    assertTrue(warmUps >= 1 && warmUps <= 4, run.out());
    assertEquals(warmUps + 1, reports.size(), run.out());
    assertTrue(reports.get(reports.size() - 1).startsWith("{\"label\":\"measured\""), run.out());
  }

  @Test
  void batchRunsEveryPlannedRunInOneJvmAndReportsEach(@TempDir Path tmp) throws Exception {
    Path tokens = Files.writeString(tmp.resolve("tokens"), gateway.token("greet") + "\n");
    List<String> common = List.of("--target", gateway.target(), "--ca", gateway.caFile().toString(), "--json",
        "--no-progress", "--warmup", "0s", "--duration", "1s");
    List<String> plan = new ArrayList<>(List.of("# two call runs and a handshake run"));
    plan.addAll(common);
    plan.addAll(List.of("--label", "first", "--token-file", tokens.toString(), "--concurrency", "4", ""));
    plan.addAll(common);
    plan.addAll(List.of("--label", "second", "--token-file", tokens.toString(), "--method", "BidiHello", "", ""));
    plan.addAll(List.of("handshakes", "--target", gateway.target(), "--ca", gateway.caFile().toString(), "--json",
        "--warmup", "0s", "--duration", "1s", "--label", "third"));
    Path file = Files.write(tmp.resolve("plan"), plan);

    boolean conscryptBefore = java.security.Security.getProvider("Conscrypt") != null;
    ConsoleCapture.Result run;
    try {
      run = ConsoleCapture.run(() -> BenchMain.run("bench", "batch", file.toString()));
    } finally {
      // bench handshakes puts Conscrypt first among the JVM's providers, as a load generator should; the
      // other tests in this JVM (OkHttp's JDK TLS client among them) must not inherit that.
      if (!conscryptBefore) {
        java.security.Security.removeProvider("Conscrypt");
      }
    }

    assertEquals(0, run.exitCode(), run.err());
    List<String> reports = run.out().lines().toList();
    assertEquals(3, reports.size(), run.out());
    assertTrue(reports.get(0).startsWith("{\"label\":\"first\""), reports.get(0));
    assertTrue(reports.get(1).contains("\"label\":\"second\",") && reports.get(1).contains("BidiHello"), reports.get(1));
    assertTrue(reports.get(2).contains("\"label\":\"third\",") && reports.get(2).contains("TLS handshake"), reports.get(2));
    for (String report : reports) {
      assertTrue(ok(report) > 0, report);
      assertTrue(report.contains("\"errors\":{}"), report);
    }
  }

  @Test
  void batchExitsWithTheWorstRunsStatus(@TempDir Path tmp) throws Exception {
    // No token: every call of the run is UNAUTHENTICATED, so that run and the batch exit 1.
    Path file = Files.write(tmp.resolve("plan"), List.of("--target", gateway.target(), "--ca",
        gateway.caFile().toString(), "--json", "--no-progress", "--warmup", "0s", "--duration", "1s"));

    var run = ConsoleCapture.run(() -> BenchMain.run("bench", "batch", file.toString()));

    assertEquals(1, run.exitCode(), run.err());
    assertTrue(run.out().contains("\"UNAUTHENTICATED\":"), run.out());
  }

  private static ConsoleCapture.Result ab(Path aTokens, Path bTokens, String... args) {
    List<String> all = new ArrayList<>(List.of("bench", "ab", "--a-target", gateway.target(), "--b-target",
        gateway.target(), "--ca", gateway.caFile().toString(), "--json", "--connections", "2",
        "--warmup", "200ms", "--slice", "100ms", "--pairs", "4", "--a-token-file", aTokens.toString()));
    if (bTokens != null) {
      all.addAll(List.of("--b-token-file", bTokens.toString()));
    }
    all.addAll(List.of(args));
    return ConsoleCapture.run(() -> BenchMain.run(all.toArray(new String[0])));
  }

  @Test
  void abReportsEachSideAndTheMedianOfPairedTurns(@TempDir Path tmp) throws Exception {
    Path tokens = Files.writeString(tmp.resolve("tokens"), gateway.token("greet") + "\n");
    Path aPercentiles = tmp.resolve("a.tsv");

    // Both sides are this JVM's gateway, so both servers' CPU time is this process's.
    String pid = Long.toString(ProcessHandle.current().pid());
    var run = ab(tokens, tokens, "--concurrency", "8", "--a-label", "first", "--b-label", "second", "--label",
        "same-gateway",
        "--a-percentiles-out", aPercentiles.toString(), "--a-server-pid", pid, "--b-server-pid", pid);

    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.out().lines().toList();
    assertEquals(3, lines.size(), run.out());
    assertTrue(lines.get(0).startsWith("{\"label\":\"first\"") && ok(lines.get(0)) > 0, lines.get(0));
    assertTrue(lines.get(1).startsWith("{\"label\":\"second\"") && ok(lines.get(1)) > 0, lines.get(1));
    assertTrue(lines.get(0).contains("\"errors\":{}") && lines.get(1).contains("\"errors\":{}"), run.out());
    String comparison = lines.get(2);
    assertTrue(comparison.startsWith("{\"label\":\"same-gateway\",\"slice_seconds\":0.100,\"pairs\":4,"), comparison);
    assertTrue(comparison.contains("\"slice_sides\":\"ABBAABBA\""), comparison);
    Matcher ratios = Pattern.compile("\"pair_ratios\":\\[([^]]*)]").matcher(comparison);
    assertTrue(ratios.find(), comparison);
    assertEquals(4, ratios.group(1).split(",").length, comparison);
    Matcher ratio = Pattern.compile("\"ratio\":([0-9.]+),\"ratio_per_server_cpu_second\":([0-9.]+),").matcher(comparison);
    assertTrue(ratio.find() && Double.parseDouble(ratio.group(1)) > 0 && Double.parseDouble(ratio.group(2)) > 0,
        comparison);
    assertTrue(Files.readString(aPercentiles).lines().count() > 2, "A's percentile table written");
  }

  @Test
  void abCountsEachSidesStatusesApart(@TempDir Path tmp) throws Exception {
    Path tokens = Files.writeString(tmp.resolve("tokens"), gateway.token("greet") + "\n");

    // B sends no token: its calls are UNAUTHENTICATED, A's are OK, and no B turn counts an OK call.
    var run = ab(tokens, null, "--concurrency", "8");

    assertEquals(1, run.exitCode(), run.err());
    List<String> lines = run.out().lines().toList();
    assertTrue(ok(lines.get(0)) > 0 && lines.get(0).contains("\"errors\":{}"), lines.get(0));
    assertEquals(0, ok(lines.get(1)), lines.get(1));
    assertTrue(lines.get(1).matches(".*\"errors\":\\{\"UNAUTHENTICATED\":[1-9]\\d*}.*"), lines.get(1));
    // No B turn has an OK call, so there is no ratio: JSON null, not NaN; and no CPU time was asked for.
    assertTrue(lines.get(2).contains("\"ratio\":null,\"pair_ratios\":[],"), lines.get(2));
    Matcher counts = Pattern.compile("\"slice_ok\":\\[([^]]*)]").matcher(lines.get(2));
    assertTrue(counts.find(), lines.get(2));
    String[] perSlice = counts.group(1).split(",");
    String sides = "ABBAABBA";
    for (int i = 0; i < sides.length(); i++) {
      assertEquals(sides.charAt(i) == 'B', Long.parseLong(perSlice[i]) == 0, lines.get(2));
    }
  }

  @Test
  void abWithARateComparesEachPairsLatencyFromAnOpenLoop(@TempDir Path tmp) throws Exception {
    Path tokens = Files.writeString(tmp.resolve("tokens"), gateway.token("greet") + "\n");

    var run = ab(tokens, tokens, "--rate", "400");

    assertEquals(0, run.exitCode(), run.err());
    List<String> lines = run.out().lines().toList();
    assertEquals(3, lines.size(), run.out());
    for (String side : lines.subList(0, 2)) {
      assertTrue(side.contains("\"shape\":\"open loop, 400 calls/s offered, in turns of 100ms\""), side);
      assertTrue(side.contains("\"errors\":{}") && ok(side) > 0, side);
    }
    // 40 calls a turn: every pair has a p99 on both sides, so four ratios and their median.
    String comparison = lines.get(2);
    Matcher p99 = Pattern.compile("\"p50_ratio\":([0-9.]+),\"p99_ratio\":([0-9.]+),\"p99_ratio_ci95\":\\[([0-9.]+),"
        + "([0-9.]+)],\"pair_p99_ratios\":\\[([^]]*)]").matcher(comparison);
    assertTrue(p99.find(), comparison);
    double median = Double.parseDouble(p99.group(2));
    assertTrue(Double.parseDouble(p99.group(1)) > 0 && median > 0, comparison);
    assertTrue(Double.parseDouble(p99.group(3)) <= median && median <= Double.parseDouble(p99.group(4)), comparison);
    assertEquals(4, p99.group(5).split(",").length, comparison);
  }

  @Test
  void abRefusesARateWithAConcurrency(@TempDir Path tmp) throws Exception {
    Path tokens = Files.writeString(tmp.resolve("tokens"), gateway.token("greet") + "\n");

    var run = ab(tokens, tokens, "--rate", "400", "--concurrency", "8");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--concurrency=<concurrency>, --rate=<rate> are mutually exclusive"), run.err());
    assertEquals("", run.out());
  }

  @Test
  void aRateThatIsNotPositiveIsAUsageErrorForBenchAndBenchAb(@TempDir Path tmp) throws Exception {
    Path tokens = Files.writeString(tmp.resolve("tokens"), gateway.token("greet") + "\n");

    for (var run : List.of(bench("--rate", "0"), ab(tokens, tokens, "--rate", "-5"))) {
      assertEquals(2, run.exitCode(), run.err());
      assertTrue(run.err().contains("rate must be positive"), run.err());
      assertEquals("", run.out());
    }
  }

  @Test
  void abRefusesNoPairsAsAUsageError(@TempDir Path tmp) throws Exception {
    Path tokens = Files.writeString(tmp.resolve("tokens"), gateway.token("greet") + "\n");

    var run = ab(tokens, tokens, "--pairs", "0");

    assertEquals(2, run.exitCode());
    assertTrue(run.err().contains("--pairs"), run.err());
    assertEquals("", run.out());
  }
}
