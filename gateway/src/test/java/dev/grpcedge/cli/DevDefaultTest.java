package dev.grpcedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.Main;
import dev.grpcedge.config.ConfigLoader;
import dev.grpcedge.config.GatewayConfig;
import dev.grpcedge.config.ListenAddress;
import dev.grpcedge.server.GatewayServer;
import dev.grpcedge.testing.ConsoleCapture;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded default end to end: the real scripts make the dev PKI and dev issuer, the shipped
 * {@code config/gateway.yaml} serves with them, and a token from {@code grpc-edge token} greets through
 * {@code grpc-edge call}.
 */
class DevDefaultTest {
  @TempDir Path dir;

  private void script(String name, String... args) throws Exception {
    var command = new java.util.ArrayList<>(java.util.List.of(Path.of("scripts", name).toAbsolutePath().toString()));
    command.addAll(java.util.List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(60, TimeUnit.SECONDS);
    assertEquals(0, p.exitValue(), name + " failed:\n" + out);
  }

  @Test
  void scriptsMakeADevSetupThatGreets() throws Exception {
    Path certs = Files.createDirectory(dir.resolve("certs"));
    Path configDir = Files.createDirectory(dir.resolve("config"));
    script("gen-dev-certs", "--dir", certs.toString());
    script("gen-dev-issuer", "--dir", certs.toString());
    script("gen-identity-key", "--dir", certs.resolve("identity").toString());
    Path config = Files.copy(Path.of("config", "gateway.yaml"), configDir.resolve("gateway.yaml"));

    GatewayConfig cfg = ConfigLoader.load(config).withListen(new ListenAddress("127.0.0.1", 0));
    cfg = cfg.withWeb(cfg.web().withListen(new ListenAddress("127.0.0.1", 0)))
        .withAdmin(new dev.grpcedge.config.AdminConfig(new ListenAddress("127.0.0.1", 0), null));
    try (GatewayServer server = GatewayServer.start(cfg)) {
      ConsoleCapture.Result token = ConsoleCapture.run(() -> Main.run("token", "--config", config.toString(),
          "--sub", "alice", "--scope", "greet", "--ttl", "10m"));
      assertEquals(0, token.exitCode(), token.err());
      String target = "localhost:" + server.port();
      String ca = certs.resolve("ca.pem").toString();
      ConsoleCapture.Result hello = ConsoleCapture.run(() -> Main.run("call", "SayHello", "--name", "Alice",
          "--token", token.out().trim(), "--ca", ca, "--target", target));
      assertEquals("Hello, Alice!\n", hello.out(), hello.err());
      ConsoleCapture.Result again = ConsoleCapture.run(() -> Main.run("call", "SayHelloAgain", "--name", "Alice",
          "--token", token.out().trim(), "--ca", ca, "--target", "127.0.0.1:" + server.port()));
      assertEquals("Hello again, Alice!\n", again.out(), again.err());
      ConsoleCapture.Result anonymous = ConsoleCapture.run(() -> Main.run("call", "SayHello", "--name", "Alice",
          "--ca", ca, "--target", target));
      assertEquals(1, anonymous.exitCode());
      assertTrue(anonymous.err().lines().anyMatch("grpc-edge call: UNAUTHENTICATED: missing bearer token"::equals), anonymous.err());
    }
  }
}
