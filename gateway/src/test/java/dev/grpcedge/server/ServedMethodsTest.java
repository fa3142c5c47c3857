package dev.grpcedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.auth.RuleCoverage;
import dev.grpcedge.config.ConfigLoader;
import dev.grpcedge.testing.LogCapture;
import dev.grpcedge.testing.TestGateway;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The rules are checked against what the server really binds, and what no rule names is said at start. */
class ServedMethodsTest {
  @TempDir Path dir;

  @Test
  void rulesAreCheckedAgainstExactlyTheMethodsTheServerBinds() {
    try (TestGateway gateway = TestGateway.in(dir).start()) {
      var access = ServedMethods.access(ConfigLoader.load(gateway.configFile()));
      assertEquals(java.util.Set.copyOf(gateway.server().servedMethods()),
          java.util.Set.copyOf(access.stream().map(RuleCoverage.MethodAccess::method).toList()));
      assertEquals(gateway.server().servedMethods().size(), access.size());
    }
  }

  @Test
  void methodsNoRuleNamesAreListedAtStartWithTheAccessTheyGet() throws Exception {
    String rules = """
            - methods: ["greeter.Greeter/*"]
              scopes: [greet]
        """;
    try (LogCapture log = LogCapture.of(GatewayServer.class);
        TestGateway gateway = TestGateway.in(dir).rules(rules).start()) {
      String line = log.await("no auth rule names", 5);
      assertEquals("INFO no auth rule names these methods: grpc.health.v1.Health/Check, grpc.health.v1.Health/Watch,"
          + " grpc.reflection.v1.ServerReflection/ServerReflectionInfo need a valid token with any scope", line);
      assertTrue(gateway.port() > 0);
    }
  }
}
