package dev.grpcedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.grpcedge.Main;
import dev.grpcedge.testing.ConsoleCapture;
import dev.grpcedge.testing.TestGateway;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code grpc-edge health} prints the gateway's health and exits 0 only for SERVING, for scripts and probes. */
class HealthCommandTest {
  @TempDir Path dir;

  private static ConsoleCapture.Result health(TestGateway gateway, String... args) {
    List<String> all = new ArrayList<>(List.of("health", "--target", gateway.target(), "--ca",
        gateway.caFile().toString()));
    all.addAll(List.of(args));
    return ConsoleCapture.run(() -> Main.run(all.toArray(new String[0])));
  }

  @Test
  void servingGatewayPrintsServingAndExitsZero() {
    try (TestGateway gateway = TestGateway.in(dir).start()) {
      ConsoleCapture.Result r = health(gateway);
      assertEquals(0, r.exitCode(), r.err());
      assertEquals("SERVING\n", r.out());
    }
  }

  @Test
  void unknownServiceExitsOne() {
    try (TestGateway gateway = TestGateway.in(dir).start()) {
      ConsoleCapture.Result r = health(gateway, "--service", "billing.Invoices");
      assertEquals(1, r.exitCode());
      assertEquals("grpc-edge health: NOT_FOUND: the gateway reports no health for service 'billing.Invoices'\n",
          r.err());
    }
  }

  @Test
  void healthBehindATokenNeedsOne() {
    String rules = """
            - methods: ["greeter.Greeter/*", "grpc.health.v1.Health/*"]
              scopes: [greet]
        """;
    try (TestGateway gateway = TestGateway.in(dir).rules(rules).start()) {
      ConsoleCapture.Result refused = health(gateway);
      assertEquals(1, refused.exitCode());
      assertEquals("grpc-edge health: UNAUTHENTICATED: missing bearer token\n", refused.err());
      ConsoleCapture.Result allowed = health(gateway, "--token", gateway.token("greet"));
      assertEquals(0, allowed.exitCode(), allowed.err());
      assertEquals("SERVING\n", allowed.out());
    }
  }

  @Test
  void gatewayThatIsNotThereExitsOne() {
    ConsoleCapture.Result r = ConsoleCapture.run(() -> Main.run("health", "--target", "127.0.0.1:1"));
    assertEquals(1, r.exitCode());
    assertEquals("grpc-edge health: UNAVAILABLE: cannot connect to 127.0.0.1:1: connection refused (is the gateway"
        + " running there?)\n", r.err());
  }
}
