package dev.grpcedge.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.testing.ConsoleCapture;
import dev.grpcedge.client.ClientCredentialsConfig;
import dev.grpcedge.testing.ProviderGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code grpc-edge bench} loading a real gateway with a token source: OAuth2 client credentials from a provider in
 * this JVM, fetched before the first call and fetched again, while the load goes on, before they expire.
 */
class BenchTokenSourceTest {
  @TempDir static Path dir;
  @RegisterExtension static final ProviderGateway env = new ProviderGateway();

  @Test
  void clientCredentialsAreFetchedAndRefreshedDuringTheRunWithEveryCallOk() throws Exception {
    Path secret = Files.writeString(dir.resolve("client.secret"), "s3cret\n");
    // A token is refreshed once it is within the default refresh margin of its expiry: one that lives 2 s longer
    // than that margin is refreshed, in the background, about every 2 s of the 5 s run.
    env.provider().tokenLifetimeSeconds(ClientCredentialsConfig.DEFAULT_REFRESH_MARGIN.toSeconds() + 2);
    int before = env.provider().tokensIssued();
    var run = ConsoleCapture.run(() -> BenchMain.run("bench", "--target", env.gateway().target(), "--ca",
        env.gateway().caFile().toString(), "--json", "--no-progress", "--connections", "2", "--concurrency", "4",
        "--warmup", "0s", "--duration", "5s", "--token-url", env.provider().tokenUrl().toString(),
        "--client-id", "bench", "--client-secret-file", secret.toString(), "--scope", "greet"));

    assertEquals(0, run.exitCode(), run.err());
    Matcher ok = Pattern.compile("\"ok\":(\\d+)").matcher(run.out());
    assertTrue(ok.find() && Long.parseLong(ok.group(1)) > 0, run.out());
    assertTrue(run.out().contains("\"errors\":{}"), run.out());
    int issued = env.provider().tokensIssued() - before;
    assertTrue(issued >= 2, "tokens issued during the run: " + issued);
    assertTrue(issued < 20, "one refresh at a time, not one per call: " + issued);
  }

  @Test
  void aTokenAndATokenUrlTogetherAreAUsageError() {
    var run = ConsoleCapture.run(() -> BenchMain.run("bench", "--target", env.gateway().target(), "--ca",
        env.gateway().caFile().toString(), "--token", env.gateway().token("greet"), "--token-url",
        env.provider().tokenUrl().toString(), "--client-id", "bench", "--duration", "1s"));

    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("grpc-edge bench: choose one of --token, --token-file, --token-url"), run.err());
  }
}
