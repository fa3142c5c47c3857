package dev.grpcedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.Main;
import dev.grpcedge.auth.TestIssuer;
import dev.grpcedge.testing.ConsoleCapture;
import dev.grpcedge.testing.TestGateway;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grpc-edge serve --check} checks everything start-up checks but the port, and shows who may call what. */
class ServeCheckTest {
  @TempDir Path dir;

  private Path config(String rules) {
    return TestGateway.in(dir).rules(rules).writeConfig(TestIssuer.create(TestGateway.ISSUER, TestGateway.AUDIENCE));
  }

  private static ConsoleCapture.Result check(Path config, String... extra) {
    String[] args = new String[3 + extra.length];
    args[0] = "serve";
    args[1] = "--check";
    args[2] = "--config=" + config;
    System.arraycopy(extra, 0, args, 3, extra.length);
    return ConsoleCapture.run(() -> Main.run(args));
  }

  @Test
  void goodConfigPrintsEveryServedMethodsAccessWithoutBindingThePort() throws Exception {
    Path config = config(TestGateway.DEFAULT_RULES);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      ConsoleCapture.Result r = check(config, "--listen", "127.0.0.1:" + taken.getLocalPort());
      assertEquals(0, r.exitCode(), r.err());
      assertTrue(r.out().startsWith(config + ": OK\nlisten   127.0.0.1:" + taken.getLocalPort()
          + " (not bound by --check)\n"), r.out());
      assertTrue(r.out().contains("\nissuer   " + TestGateway.ISSUER + " (keys from "), r.out());
      assertTrue(r.out().contains("\nlimits   1 per-caller rule(s), buckets in this gateway; connections 100 per IP,"
          + " 10000 in all\n"), r.out());
      assertTrue(r.out().contains("""
          METHOD                                                    TOKEN       SCOPES  CLIENT CERT  RULE
          greeter.Greeter/SayHello                                  required    greet   -            auth.rules[0]
          greeter.Greeter/SayHelloAgain                             required    greet   -            auth.rules[0]
          greeter.Greeter/LotsOfReplies                             required    greet   -            auth.rules[0]
          greeter.Greeter/LotsOfGreetings                           required    greet   -            auth.rules[0]
          greeter.Greeter/BidiHello                                 required    greet   -            auth.rules[0]
          grpc.health.v1.Health/Check                               not needed  -       -            auth.rules[1]
          grpc.health.v1.Health/Watch                               not needed  -       -            auth.rules[1]
          grpc.reflection.v1.ServerReflection/ServerReflectionInfo  required    -       -            none (any valid token)
          """), r.out());
    }
  }

  @Test
  void aConfigThatWeakensTheEdgeIsRefusedAndAnAcceptedRiskIsShown() throws Exception {
    String allPublic = """
            - methods: ["greeter.Greeter/*", "grpc.health.v1.Health/*", "grpc.reflection.v1.ServerReflection/*"]
              public: true
        """;
    ConsoleCapture.Result refused = check(config(allPublic));
    assertEquals(1, refused.exitCode());
    assertTrue(refused.err().contains("auth.rules: public: true on every served method lets anyone on the internet"
        + " call every method without a token; if that is intended, accept the risk with security.accept_risks:"
        + " [public_methods]"), refused.err());
    Path accepted = config(allPublic);
    java.nio.file.Files.writeString(accepted, java.nio.file.Files.readString(accepted)
        + "security:\n  accept_risks: [public_methods]\n");
    ConsoleCapture.Result ok = check(accepted);
    assertEquals(0, ok.exitCode(), ok.err());
    assertTrue(ok.out().contains("\nrisks    accepted: public_methods\n"), ok.out());
  }

  @Test
  void methodsNoRuleNamesAreShownWithTheAccessTheyGet() {
    ConsoleCapture.Result r = check(config("""
            - methods: ["greeter.Greeter/SayHello"]
              scopes: [greet]
        """));
    assertEquals(0, r.exitCode(), r.err());
    assertTrue(r.out().contains("grpc.health.v1.Health/Check                               required  -       -"
        + "            none (any valid token)\n"), r.out());
    assertTrue(r.out().contains("\nNo rule names greeter.Greeter/SayHelloAgain, greeter.Greeter/LotsOfReplies,"
        + " greeter.Greeter/LotsOfGreetings, greeter.Greeter/BidiHello, grpc.health.v1.Health/Check,"
        + " grpc.health.v1.Health/Watch, grpc.reflection.v1.ServerReflection/ServerReflectionInfo: a valid token with"
        + " any scope may call them"), r.out());
  }

  @Test
  void ruleTypoExitsOneNamingTheRule() {
    Path config = config("""
            - methods: ["greeter.Greeter/Sayhello"]
              scopes: [greet]
        """);
    ConsoleCapture.Result r = check(config);
    assertEquals(1, r.exitCode());
    assertEquals("", r.out());
    assertEquals("grpc-edge serve --check: " + config + ": auth.rules[0].methods[0]: greeter.Greeter/Sayhello"
        + " matches no served method (did you mean greeter.Greeter/SayHello?)\n", r.err());
  }

  @Test
  void missingCertificateExitsOneNamingTheFile() throws Exception {
    Path config = config(TestGateway.DEFAULT_RULES);
    Files.delete(dir.resolve("server.pem"));
    ConsoleCapture.Result r = check(config);
    assertEquals(1, r.exitCode());
    assertEquals("grpc-edge serve --check: " + dir.resolve("server.pem") + ": certificate file not found\n", r.err());
  }

  @Test
  void badConfigExitsOneNamingTheKey() throws Exception {
    Path config = config(TestGateway.DEFAULT_RULES);
    Files.writeString(config, Files.readString(config).replace("listen:", "listne:"));
    ConsoleCapture.Result r = check(config);
    assertEquals(1, r.exitCode());
    assertEquals("grpc-edge serve --check: " + config + ": listne: unknown key (did you mean listen?)\n", r.err());
  }
}
