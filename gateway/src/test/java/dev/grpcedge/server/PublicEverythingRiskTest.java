package dev.grpcedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.grpcedge.config.ConfigException;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.TestGateway;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A gateway whose every served method is public refuses to start until the config says that is meant. */
class PublicEverythingRiskTest {
  private static final String ALL_PUBLIC = """
          - methods: ["greeter.Greeter/*", "grpc.health.v1.Health/*", "grpc.reflection.v1.ServerReflection/*"]
            public: true
      """;

  @TempDir Path dir;

  @Test
  void everyMethodPublicIsRefusedUntilAccepted() {
    ConfigException refused = assertThrows(ConfigException.class,
        () -> TestGateway.in(dir).rules(ALL_PUBLIC).start());
    assertEquals("auth.rules: public: true on every served method lets anyone on the internet call every method"
        + " without a token; if that is intended, accept the risk with security.accept_risks: [public_methods]",
        refused.getMessage());

    try (TestGateway gateway = TestGateway.in(dir).rules(ALL_PUBLIC)
        .security("  accept_risks: [public_methods]\n").start()) {
      assertEquals("Hello, open!", GreeterGrpc.newBlockingStub(gateway.channel())
          .sayHello(HelloRequest.newBuilder().setName("open").build()).getMessage());
    }
  }
}
