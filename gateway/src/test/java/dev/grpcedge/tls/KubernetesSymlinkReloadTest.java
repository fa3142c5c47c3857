package dev.grpcedge.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.TestPki;
import dev.grpcedge.testing.TlsProbe;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Kubernetes secret volume replaces its files by writing a new timestamped folder and renaming a {@code ..data}
 * symlink over the old one; {@code tls.crt} and {@code tls.key} are symlinks through {@code ..data}, so the files
 * the config names never change. The gateway must still see the new pair.
 */
class KubernetesSymlinkReloadTest {
  private static final Duration INTERVAL = Duration.ofMillis(300);

  @TempDir Path dir;

  @Test
  void dataSymlinkSwapIsPickedUp() throws Exception {
    TestPki pki = TestPki.create("k8s test CA");
    Path secret = Files.createDirectories(dir.resolve("secret"));
    TestPki.Issued first = pki.issueServer();
    swapData(secret, first, "..2026_11_24_00_00_00.1");
    Files.createSymbolicLink(secret.resolve("tls.crt"), Path.of("..data/tls.crt"));
    Files.createSymbolicLink(secret.resolve("tls.key"), Path.of("..data/tls.key"));

    try (TestGateway gateway = TestGateway.in(dir).pki(pki).serverFiles("secret/tls.crt", "secret/tls.key")
        .tls("  reload_interval: " + INTERVAL.toMillis() + "ms\n").start()) {
      String token = gateway.token("greet");
      assertEquals(serial(first), TlsProbe.callAndSerial(gateway.target(), gateway.caFile(), token));

      for (int i = 2; i <= 3; i++) {
        TestPki.Issued next = pki.issueServer();
        swapData(secret, next, "..2026_11_24_00_00_00." + i);
        long until = System.nanoTime() + INTERVAL.plusMillis(1500).toNanos();
        while (!serial(next).equals(TlsProbe.callAndSerial(gateway.target(), gateway.caFile(), token))) {
          assertTrue(System.nanoTime() < until, "the ..data swap " + i + " was not picked up");
          Thread.sleep(20);
        }
      }
    }
  }

  /** What the kubelet's atomic writer does: new folder, new ..data_tmp link, rename over ..data, drop the old. */
  private static void swapData(Path secret, TestPki.Issued issued, String version) throws IOException {
    Path folder = Files.createDirectory(secret.resolve(version));
    issued.write(folder, "tls");
    Files.move(folder.resolve("tls.pem"), folder.resolve("tls.crt"));
    Path data = secret.resolve("..data");
    Path old = Files.isSymbolicLink(data) ? secret.resolve(Files.readSymbolicLink(data)) : null;
    Path tmp = secret.resolve("..data_tmp");
    Files.createSymbolicLink(tmp, Path.of(version));
    Files.move(tmp, data, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    if (old != null) {
      for (String f : new String[] {"tls.crt", "tls.key"}) {
        Files.delete(old.resolve(f));
      }
      Files.delete(old);
    }
  }

  private static String serial(TestPki.Issued issued) {
    return issued.certificate().getSerialNumber().toString(16);
  }
}
