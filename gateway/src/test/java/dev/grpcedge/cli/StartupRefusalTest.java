package dev.grpcedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.auth.TestIssuer;
import dev.grpcedge.testing.ConsoleCapture;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grpc-edge serve} refuses to start on bad input, exits 2 and names the file and the problem. */
class StartupRefusalTest {
  @TempDir Path dir;
  Path config;

  @BeforeEach
  void writeGoodConfig() {
    config = TestGateway.in(dir).writeConfig(TestIssuer.create(TestGateway.ISSUER, TestGateway.AUDIENCE));
  }

  private String refusal(String... extraArgs) {
    List<String> args = new java.util.ArrayList<>(List.of("serve", "--config", config.toString()));
    args.addAll(List.of(extraArgs));
    ConsoleCapture.Result r = ConsoleCapture.run(() -> dev.grpcedge.Main.run(args.toArray(new String[0])));
    assertEquals(2, r.exitCode(), r.err());
    assertTrue(r.err().startsWith("grpc-edge: cannot start: "), r.err());
    return r.err();
  }

  @Test
  void missingConfigFile() {
    config = dir.resolve("nope.yaml");
    assertTrue(refusal().contains(config + ": file not found"));
  }

  @Test
  void unknownConfigKey() throws Exception {
    Files.writeString(config, Files.readString(config).replace("listen:", "listne:"));
    assertTrue(refusal().contains(config + ": listne: unknown key"));
  }

  @Test
  void badListenFlag() {
    assertTrue(refusal("--listen", "nowhere").contains("--listen: expected HOST:PORT, got 'nowhere'"));
  }

  @Test
  void missingCertificate() throws Exception {
    Files.delete(dir.resolve("server.pem"));
    assertTrue(refusal().contains(dir.resolve("server.pem") + ": certificate file not found"));
  }

  @Test
  void keyThatDoesNotMatch() {
    TestPki.writePem(dir.resolve("server.key"), List.of(TestPki.ecKeys().getPrivate()));
    assertTrue(refusal().contains(dir.resolve("server.key") + ": private key does not match the certificate in "));
  }

  @Test
  void expiredCertificate() {
    Instant now = Instant.now();
    TestPki.create("old CA").issueServer(TestPki.ecKeys(), now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))
        .write(dir, "server");
    assertTrue(refusal().contains(dir.resolve("server.pem") + ": certificate expired on "));
  }

  @Test
  void missingJwksFile() throws Exception {
    Files.delete(dir.resolve("issuer.jwks.json"));
    assertTrue(refusal().contains(dir.resolve("issuer.jwks.json").toString()));
  }

  @Test
  void ruleThatMatchesNoServedMethodNamesTheFileTheRuleAndTheClosestMethod() throws Exception {
    Files.writeString(config, Files.readString(config).replace("greeter.Greeter/*", "greeter.Greeter/Sayhello"));
    assertEquals("grpc-edge: cannot start: " + config + ": auth.rules[0].methods[0]: greeter.Greeter/Sayhello"
        + " matches no served method (did you mean greeter.Greeter/SayHello?)", refusal().strip());
  }

  @Test
  void ruleForAServiceNotServedListsWhatIsServed() throws Exception {
    Files.writeString(config, Files.readString(config).replace("greeter.Greeter/*", "billing.Invoices/*"));
    assertEquals("grpc-edge: cannot start: " + config + ": auth.rules[0].methods[0]: billing.Invoices/* matches no"
        + " served method; served: greeter.Greeter/*, grpc.health.v1.Health/*, grpc.reflection.v1.ServerReflection/*", refusal().strip());
  }

  @Test
  void portInUse() throws Exception {
    try (var socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      String err = refusal("--listen", "127.0.0.1:" + socket.getLocalPort());
      assertEquals("grpc-edge: cannot start: address 127.0.0.1:" + socket.getLocalPort() + " is already in use (is"
          + " another gateway running? stop it, or choose another address with --listen or GRPC_EDGE_LISTEN)",
          err.strip());
    }
  }
}
