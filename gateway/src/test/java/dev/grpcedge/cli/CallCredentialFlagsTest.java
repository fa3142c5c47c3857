package dev.grpcedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.oauth2.sdk.auth.ClientAuthenticationMethod;
import dev.grpcedge.Main;
import dev.grpcedge.testing.ConsoleCapture;
import dev.grpcedge.testing.ProviderGateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code grpc-edge call}'s token sources and transports, each greeting a real gateway over TLS. */
class CallCredentialFlagsTest {
  @TempDir static Path dir;
  @RegisterExtension static final ProviderGateway env = new ProviderGateway();

  private static ConsoleCapture.Result call(String... args) {
    List<String> all = new ArrayList<>(List.of("call", "SayHello", "--name", "Ann"));
    all.addAll(List.of(args));
    all.addAll(List.of("--target", env.gateway().target(), "--ca", env.gateway().caFile().toString()));
    return ConsoleCapture.run(() -> Main.run(all.toArray(new String[0])));
  }

  @Test
  void tokenFileGreets() throws Exception {
    Path file = Files.writeString(dir.resolve("token"), env.gateway().token("greet"));
    ConsoleCapture.Result r = call("--token-file", file.toString());
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("Hello, Ann!\n", r.out());
  }

  @Test
  void clientCredentialsFlagsGreetWithATokenFromTheProvider() throws Exception {
    Path secret = Files.writeString(dir.resolve("client.secret"), "s3cret\n");
    int before = env.provider().tokensIssued();
    ConsoleCapture.Result r = call("--token-url", env.provider().tokenUrl().toString(), "--client-id", "cli",
        "--client-secret-file", secret.toString(), "--auth-method", "post", "--scope", "greet",
        "--audience", "grpc-edge");
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("Hello, Ann!\n", r.out());
    assertEquals(before + 1, env.provider().tokensIssued());
    assertEquals(ClientAuthenticationMethod.CLIENT_SECRET_POST, env.provider().lastAuthMethod());
  }

  @Test
  void okHttpTransportGreets() {
    ConsoleCapture.Result r = call("--transport", "okhttp", "--token", env.gateway().token("greet"));
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("Hello, Ann!\n", r.out());
  }

  @Test
  void twoTokenSourcesAreRefusedBeforeAnyCall() throws Exception {
    String token = env.gateway().token("greet");
    ConsoleCapture.Result r = call("--token", token, "--token-file", dir.resolve("token").toString());
    assertEquals(2, r.exitCode());
    assertTrue(r.err().lines().anyMatch(
        "grpc-edge call: choose one of --token, --token-file, --token-url, --google"::equals), r.err());
    assertFalse(r.err().contains(token));
  }

  @Test
  void unknownTransportIsRefused() {
    ConsoleCapture.Result r = call("--transport", "quic");
    assertEquals(2, r.exitCode());
    // Matched by line: the gateway's access log shares stderr in this JVM.
    assertTrue(r.err().lines().anyMatch("grpc-edge call: --transport: netty or okhttp, not quic"::equals), r.err());
  }
}
