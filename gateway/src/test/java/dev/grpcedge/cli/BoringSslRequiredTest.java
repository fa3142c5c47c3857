package dev.grpcedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.auth.TestIssuer;
import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.client.Channels;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.ServeProcess;
import dev.grpcedge.testing.TestGateway;
import io.grpc.ManagedChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * When BoringSSL cannot load, {@code serve} refuses to start unless the config explicitly allows the JDK provider.
 * Netty's {@code io.netty.handler.ssl.noOpenSsl} property stands in for a missing or broken netty-tcnative.
 */
class BoringSslRequiredTest {
  private static final List<String> NO_BORINGSSL = List.of("-Dio.netty.handler.ssl.noOpenSsl=true");

  @TempDir Path dir;

  @Test
  void withoutBoringSslServeRefusesToStart() throws Exception {
    Path config = TestGateway.in(dir).writeConfig(TestIssuer.create(TestGateway.ISSUER, TestGateway.AUDIENCE));
    try (ServeProcess serve = ServeProcess.start(config, NO_BORINGSSL, Map.of())) {
      assertEquals(2, serve.awaitExit(), serve.output());
      assertTrue(serve.output().contains("grpc-edge: cannot start: BoringSSL (netty-tcnative) could not load"), serve.output());
      assertTrue(serve.output().contains("set tls.allow_jdk_fallback: true"), serve.output());
    }
  }

  @Test
  void withTheFallbackAllowedServeRunsOnTheJdkProvider() throws Exception {
    TestIssuer issuer = TestIssuer.create(TestGateway.ISSUER, TestGateway.AUDIENCE);
    Path config = TestGateway.in(dir).writeConfig(issuer);
    Files.writeString(config, Files.readString(config).replace("  key: server.key\n", "  key: server.key\n  allow_jdk_fallback: true\n"));
    try (ServeProcess serve = ServeProcess.start(config, NO_BORINGSSL, Map.of())) {
      int port = serve.awaitListening();
      assertTrue(serve.output().contains("using the JDK TLS provider"), serve.output());
      assertTrue(serve.output().contains("with JDK 17"), serve.output());
      ManagedChannel channel = Channels.tls("localhost:" + port, dir.resolve("ca.pem"));
      try {
        String reply = GreeterGrpc.newBlockingStub(channel).withCallCredentials(BearerCredentials.of(issuer.token().sign()))
            .withDeadlineAfter(10, TimeUnit.SECONDS).sayHello(HelloRequest.newBuilder().setName("Jdk").build()).getMessage();
        assertEquals("Hello, Jdk!", reply);
      } finally {
        channel.shutdownNow();
      }
    }
  }
}
