package dev.grpcedge.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.Main;
import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.client.Channels;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.observe.AccessLogInterceptor;
import dev.grpcedge.testing.ConsoleCapture;
import dev.grpcedge.testing.LogCapture;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.TestPki;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Client certificates: required at the handshake, or asked for by a method rule, against a reloaded CA bundle. */
class MutualTlsTest {
  private static final HelloRequest ALICE = HelloRequest.newBuilder().setName("Alice").build();

  @TempDir Path dir;

  @Test
  void requireRefusesTheHandshakeWithoutAClientCertificateAndLogsTheSubjectWithOne() throws Exception {
    TestPki clients = TestPki.create("client CA A");
    clients.writeCa(dir.resolve("clients.pem"));
    Path[] alice = clients.issueClient("client-alice", "alice.clients.test").write(dir, "alice");
    try (LogCapture access = LogCapture.of(AccessLogInterceptor.LOGGER);
        TestGateway gateway = TestGateway.in(dir).tls("  client_auth: require\n  client_ca: clients.pem\n").start()) {
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> call(gateway, null, null, "greeter.Greeter/SayHello"));
      assertEquals(Status.Code.UNAVAILABLE, refused.getStatus().getCode(), refused.getStatus().toString());

      assertEquals("Hello, Alice!", call(gateway, alice[0], alice[1], "greeter.Greeter/SayHello"));
      String line = access.await("method=greeter.Greeter/SayHello ", 5);
      assertTrue(line.contains("sub=alice status=OK")
          && line.contains("client_cert=\"CN=client-alice\" client_sans=DNS:alice.clients.test"), line);
    }
  }

  @Test
  void callCommandPresentsTheClientCertificateGivenWithCertAndKey() throws Exception {
    TestPki clients = TestPki.create("client CA A");
    clients.writeCa(dir.resolve("clients.pem"));
    Path[] alice = clients.issueClient("client-alice", "alice.clients.test").write(dir, "alice");
    try (TestGateway gateway = TestGateway.in(dir).tls("  client_auth: require\n  client_ca: clients.pem\n").start()) {
      String token = gateway.token("greet");
      ConsoleCapture.Result without = ConsoleCapture.run(() -> Main.run("call", "SayHello", "--target", gateway.target(),
          "--ca", gateway.caFile().toString(), "--token", token, "--name", "Alice"));
      assertEquals(1, without.exitCode(), without.out() + without.err());
      ConsoleCapture.Result with = ConsoleCapture.run(() -> Main.run("call", "SayHello", "--target", gateway.target(),
          "--ca", gateway.caFile().toString(), "--token", token, "--name", "Alice",
          "--cert", alice[0].toString(), "--key", alice[1].toString()));
      assertEquals(0, with.exitCode(), with.err());
      assertEquals("Hello, Alice!", with.out().trim());
    }
  }

  @Test
  void rotatedClientTrustBundleIsPickedUp() throws Exception {
    TestPki caA = TestPki.create("client CA A");
    TestPki caB = TestPki.create("client CA B");
    caA.writeCa(dir.resolve("clients.pem"));
    Path[] bob = caB.issueClient("client-bob", "bob.clients.test").write(dir, "bob");
    try (TestGateway gateway = TestGateway.in(dir)
        .tls("  client_auth: require\n  client_ca: clients.pem\n  reload_interval: 300ms\n").start()) {
      assertThrows(StatusRuntimeException.class, () -> call(gateway, bob[0], bob[1], "greeter.Greeter/SayHello"));

      Path next = TestPki.writePem(dir.resolve("clients.pem.tmp"), List.of(caA.caCertificate(), caB.caCertificate()));
      Files.move(next, dir.resolve("clients.pem"), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (true) {
        try {
          assertEquals("Hello, Alice!", call(gateway, bob[0], bob[1], "greeter.Greeter/SayHello"));
          break;
        } catch (StatusRuntimeException e) {
          assertTrue(System.nanoTime() < until, "the new client CA bundle was not picked up: " + e.getStatus());
          Thread.sleep(50);
        }
      }
    }
  }

  @Test
  void ruleRequiringAClientCertificateRefusesTokenOnlyCallsWithUnauthenticated() throws Exception {
    TestPki clients = TestPki.create("client CA");
    clients.writeCa(dir.resolve("clients.pem"));
    Path[] alice = clients.issueClient("client-alice", "alice.clients.test").write(dir, "alice");
    String rules = """
            - methods: ["greeter.Greeter/*"]
              scopes: [greet]
            - methods: ["greeter.Greeter/SayHelloAgain"]
              scopes: [greet]
              client_cert: required
        """;
    try (TestGateway gateway = TestGateway.in(dir).rules(rules)
        .tls("  client_auth: optional\n  client_ca: clients.pem\n").start()) {
      assertEquals("Hello, Alice!", call(gateway, null, null, "greeter.Greeter/SayHello"));
      StatusRuntimeException refused = assertThrows(StatusRuntimeException.class,
          () -> call(gateway, null, null, "greeter.Greeter/SayHelloAgain"));
      assertEquals(Status.Code.UNAUTHENTICATED, refused.getStatus().getCode());
      assertEquals("client certificate required", refused.getStatus().getDescription());
      assertEquals("Hello again, Alice!", call(gateway, alice[0], alice[1], "greeter.Greeter/SayHelloAgain"));
    }
  }

  private static String call(TestGateway gateway, Path cert, Path key, String method) throws InterruptedException {
    ManagedChannel channel = Channels.tls(gateway.target(), gateway.caFile(), cert, key);
    try {
      var stub = GreeterGrpc.newBlockingStub(channel).withCallCredentials(BearerCredentials.of(gateway.token("greet")))
          .withDeadlineAfter(10, TimeUnit.SECONDS);
      return method.endsWith("SayHelloAgain") ? stub.sayHelloAgain(ALICE).getMessage() : stub.sayHello(ALICE).getMessage();
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
