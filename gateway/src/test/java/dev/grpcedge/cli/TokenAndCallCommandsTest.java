package dev.grpcedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jwt.SignedJWT;
import dev.grpcedge.Main;
import dev.grpcedge.testing.ConsoleCapture;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.TestPki;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grpc-edge token} mints what the gateway accepts, and {@code grpc-edge call} greets with it over TLS. */
class TokenAndCallCommandsTest {
  @TempDir static Path dir;
  static TestGateway gateway;
  static String token;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.in(dir).start();
    // The token command finds the signing key beside the JWKS: issuer.jwks.json -> issuer.key.
    TestPki.writePem(dir.resolve("issuer.key"), List.of(gateway.issuer().rsaKey().toPrivateKey()));
    ConsoleCapture.Result minted = ConsoleCapture.run(() -> Main.run("token", "--config", gateway.configFile().toString(),
        "--sub", "carol", "--scope", "greet read", "--ttl", "2m"));
    assertEquals(0, minted.exitCode(), minted.err());
    token = minted.out().trim();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static ConsoleCapture.Result call(String... args) {
    List<String> all = new java.util.ArrayList<>(List.of("call"));
    all.addAll(List.of(args));
    all.addAll(List.of("--target", gateway.target(), "--ca", gateway.caFile().toString()));
    return ConsoleCapture.run(() -> Main.run(all.toArray(new String[0])));
  }

  @Test
  void mintedTokenCarriesTheConfiguredIssuerAudienceAndScopes() throws Exception {
    var claims = SignedJWT.parse(token).getJWTClaimsSet();
    assertEquals(TestGateway.ISSUER, claims.getIssuer());
    assertEquals(List.of(TestGateway.AUDIENCE), claims.getAudience());
    assertEquals("carol", claims.getSubject());
    assertEquals("greet read", claims.getStringClaim("scope"));
    long ttl = Duration.between(claims.getIssueTime().toInstant(), claims.getExpirationTime().toInstant()).toSeconds();
    assertEquals(120, ttl);
  }

  @Test
  void callSayHelloPrintsTheGreeting() {
    ConsoleCapture.Result r = call("SayHello", "--name", "Carol", "--token", token);
    assertEquals(0, r.exitCode(), r.err());
    assertEquals("Hello, Carol!\n", r.out());
  }

  @Test
  void callEachStreamingKind() {
    ConsoleCapture.Result replies = call("LotsOfReplies", "--name", "Carol", "--count", "2", "--token", token);
    assertEquals("Hello, Carol! (1 of 2)\nHello, Carol! (2 of 2)\n", replies.out(), replies.err());
    ConsoleCapture.Result greetings = call("LotsOfGreetings", "--name", "Ann,Ben", "--token", token);
    assertEquals("Hello, Ann and Ben!\n", greetings.out(), greetings.err());
    ConsoleCapture.Result bidi = call("BidiHello", "--name", "Ann", "--name", "Ben", "--token", token);
    assertEquals("Hello, Ann!\nHello, Ben!\n", bidi.out(), bidi.err());
  }

  @Test
  void callWithoutATokenPrintsUnauthenticatedAndExitsNonZero() {
    ConsoleCapture.Result r = call("SayHello", "--name", "Carol");
    assertEquals(1, r.exitCode());
    assertEquals("", r.out());
    assertTrue(r.err().lines().anyMatch("grpc-edge call: UNAUTHENTICATED: missing bearer token"::equals), r.err());
  }

  @Test
  void callPastItsDeadlinePrintsDeadlineExceeded() {
    ConsoleCapture.Result r = call("LotsOfReplies", "--count", "5", "--interval", "500ms", "--deadline", "300ms", "--token", token);
    assertEquals(1, r.exitCode());
    assertTrue(r.err().lines().anyMatch(l -> l.startsWith("grpc-edge call: DEADLINE_EXCEEDED")), r.err());
  }

  @Test
  void everySubCommandHasHelp() {
    for (String sub : List.of("serve", "token", "call")) {
      ConsoleCapture.Result r = ConsoleCapture.run(() -> Main.run(sub, "--help"));
      assertEquals(0, r.exitCode());
      assertTrue(r.out().contains("Usage: grpc-edge " + sub), r.out());
    }
  }
}
