package dev.grpcedge.scripts;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.config.IdentityConfig;
import dev.grpcedge.route.SigningKeys;
import dev.grpcedge.testing.Subprocess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/gen-identity-key makes keys the gateway signs with, rotates them, and keeps the newest two. */
class IdentityKeyScriptTest {
  @TempDir Path dir;

  private Subprocess.Result run(String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(
        Subprocess.projectDir().resolve("scripts/gen-identity-key").toString(), "--dir", dir.resolve("keys").toString()));
    command.addAll(List.of(args));
    Subprocess.Result result = Subprocess.run(command, Map.of(), dir);
    assertEquals(0, result.exitCode(), result.err());
    return result;
  }

  private List<Path> keys() throws Exception {
    try (Stream<Path> files = Files.list(dir.resolve("keys"))) {
      return files.filter(f -> f.toString().endsWith(".key")).sorted().toList();
    }
  }

  @Test
  void madeOnceThenRotatedKeepingTheNewestTwo() throws Exception {
    run();
    assertTrue(run().out().contains("kept the 1 key(s)"));
    assertEquals(1, keys().size());
    IdentityConfig config = new IdentityConfig(dir.resolve("keys"), "grpc-edge", Duration.ofSeconds(60), Duration.ZERO);
    SigningKeys loaded = SigningKeys.load(config, Clock.systemUTC());
    String first = loaded.signer().getKeyID();
    assertEquals("600", Integer.toOctalString(Files.getPosixFilePermissions(keys().get(0)).stream()
        .mapToInt(p -> 1 << (8 - p.ordinal())).sum()));

    Thread.sleep(1100);
    run("--rotate");
    Thread.sleep(1100);
    run("--rotate");
    assertEquals(2, keys().size(), keys().toString());
    loaded.reload();
    assertNotEquals(first, loaded.signer().getKeyID(), "the newest key signs (publish_ahead 0)");
    assertEquals(2, com.nimbusds.jose.jwk.JWKSet.parse(loaded.jwksJson()).getKeys().size());
  }
}
