package dev.grpcedge.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.TestPki;
import dev.grpcedge.testing.TlsProbe;
import dev.grpcedge.tls.PemFiles;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rotation scripts, run for real with openssl against a running gateway. */
class RotationScriptsTest {
  private static final Path SCRIPTS = Path.of(System.getProperty("user.dir"), "scripts");

  @TempDir Path dir;

  @Test
  void caRolloverKeepsBundleClientsWorkingAndOldRootClientsOnlyUntilTheSwitch() throws Exception {
    Path certs = dir.resolve("certs");
    run("gen-dev-certs", "--dir", certs.toString()).assertOk();
    Path oldRoot = Files.copy(certs.resolve("ca.pem"), dir.resolve("old-root.pem"));
    try (TestGateway gateway = TestGateway.in(dir).serverFiles("certs/server.pem", "certs/server.key")
        .tls("  reload_interval: 300ms\n").start()) {
      String token = gateway.token("greet");
      String config = gateway.configFile().toString();
      String first = TlsProbe.callAndSerial(gateway.target(), oldRoot, token);

      run("rotate-ca", "start", "--dir", certs.toString(), "--config", config).assertOk();
      Path bundle = certs.resolve("trust-bundle.pem");
      assertEquals(2, PemFiles.readCertificates(bundle).size());
      assertEquals(first, TlsProbe.callAndSerial(gateway.target(), oldRoot, token), "start must not touch the server");

      // A client that trusts the bundle opens a new connection and calls, again and again, through every step.
      AtomicInteger calls = new AtomicInteger();
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread bundleClient = new Thread(() -> {
        while (!Thread.currentThread().isInterrupted() && failure.get() == null) {
          try {
            TlsProbe.callAndSerial(gateway.target(), bundle, token);
            calls.incrementAndGet();
          } catch (RuntimeException | AssertionError e) {
            if (!Thread.currentThread().isInterrupted()) {
              failure.set(e);
            }
          }
        }
      });
      bundleClient.start();
      try {
        Result switched = run("rotate-ca", "switch", "--dir", certs.toString(), "--config", config);
        switched.assertOk();
        assertTrue(switched.output.contains("old serial") && switched.output.contains("new serial"), switched.output);
        String second = PemFiles.readCertificates(certs.resolve("server.pem")).get(0).getSerialNumber().toString(16);
        awaitServed(gateway, bundle, token, second);
        assertThrows(io.grpc.StatusRuntimeException.class, () -> TlsProbe.callAndSerial(gateway.target(), oldRoot, token),
            "a client that trusts only the old root must fail once the server certificate moved");

        run("rotate-ca", "finish", "--dir", certs.toString(), "--config", config).assertOk();
        assertEquals(1, PemFiles.readCertificates(bundle).size());
        assertEquals(second, TlsProbe.callAndSerial(gateway.target(), bundle, token));
        run("check-certs", "--config", config).assertOk();
      } finally {
        bundleClient.interrupt();
        bundleClient.join(10_000);
      }
      assertEquals(null, failure.get(), "a bundle client failed during the rollover");
      assertTrue(calls.get() > 3, "the bundle client made only " + calls.get() + " calls");
    }
  }

  @Test
  void checkCertsExitsNonZeroForEachBrokenCase() throws Exception {
    Path good = dir.resolve("good");
    run("gen-dev-certs", "--dir", good.toString()).assertOk();
    String ca = good.resolve("ca.pem").toString();
    check(good.resolve("server.pem"), good.resolve("server.key"), ca).assertOk();

    assertProblem(check(good.resolve("server.pem"), good.resolve("ca.key"), ca), "does not match");
    assertProblem(check(good.resolve("server.pem"), dir.resolve("missing.key"), ca), "not found");
    Path truncated = Files.writeString(dir.resolve("truncated.pem"),
        Files.readString(good.resolve("server.pem")).substring(0, 200));
    assertProblem(check(truncated, good.resolve("server.key"), ca), "truncated");
    assertProblem(run("check-certs", "--cert", good.resolve("server.pem").toString(), "--key",
        good.resolve("server.key").toString(), "--ca", ca, "--days", "900"), "expires within 900 days");

    TestPki other = TestPki.create("another CA");
    Path[] foreign = other.issueServer().write(dir, "foreign");
    assertProblem(check(foreign[0], foreign[1], ca), "does not verify");
    Instant now = Instant.now();
    Path[] expired = other.issueServer(TestPki.ecKeys(), now.minus(Duration.ofDays(9)), now.minus(Duration.ofDays(1)))
        .write(dir, "expired");
    assertProblem(check(expired[0], expired[1], other.writeCa(dir.resolve("other-ca.pem")).toString()), "expired");
  }

  @Test
  void dryRunsRunCheckCertsAndChangeNothing() throws Exception {
    Path certs = dir.resolve("certs");
    run("gen-dev-certs", "--dir", certs.toString()).assertOk();
    Path config = Files.writeString(dir.resolve("gateway.yaml"), "tls:\n  cert: certs/server.pem\n  key: certs/server.key\n");
    for (int round = 0; round < 2; round++) {
      Map<String, String> before = snapshot(certs);
      Thread.sleep(1100); // mtimes have one-second granularity on some file systems
      Result server = run("rotate-server-cert", "--config", config.toString(), "--dry-run");
      server.assertOk();
      assertTrue(server.output.contains("check-certs: OK") && server.output.contains("nothing changed"), server.output);
      for (String step : List.of("start", "switch", "finish")) {
        Result ca = run("rotate-ca", step, "--dir", certs.toString(), "--config", config.toString(), "--dry-run");
        ca.assertOk();
        assertTrue(ca.output.contains("check-certs: OK") && ca.output.contains("nothing changed"), ca.output);
      }
      assertEquals(before, snapshot(certs));
      // Second round: the same on the symlinked layout a real rotation leaves.
      run("rotate-server-cert", "--config", config.toString()).assertOk();
    }
  }

  private void awaitServed(TestGateway gateway, Path ca, String token, String serial) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!serial.equals(TlsProbe.callAndSerial(gateway.target(), ca, token))) {
      assertTrue(System.nanoTime() < until, "serial " + serial + " not served");
      Thread.sleep(50);
    }
  }

  private static void assertProblem(Result result, String text) {
    assertEquals(1, result.exitCode, result.output);
    assertTrue(result.output.contains("PROBLEM") && result.output.contains(text), result.output);
  }

  private Result check(Path cert, Path key, String ca) throws Exception {
    return run("check-certs", "--cert", cert.toString(), "--key", key.toString(), "--ca", ca);
  }

  /** Every path under {@code root} with its content digest (or symlink target) and modification time. */
  private static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> out = new TreeMap<>();
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.toList()) {
        String what;
        if (Files.isSymbolicLink(p)) {
          what = "-> " + Files.readSymbolicLink(p);
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          what = "dir";
        } else {
          what = sha256(Files.readAllBytes(p));
        }
        out.put(root.relativize(p).toString(), what + " @" + Files.getLastModifiedTime(p, LinkOption.NOFOLLOW_LINKS));
      }
    }
    return out;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private record Result(int exitCode, String output) {
    void assertOk() {
      assertEquals(0, exitCode, output);
    }
  }

  private static Result run(String script, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(SCRIPTS.resolve(script).toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS), script + " hung");
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
