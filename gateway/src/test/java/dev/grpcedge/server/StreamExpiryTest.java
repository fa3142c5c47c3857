package dev.grpcedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.StreamRecorder;
import dev.grpcedge.testing.TestGateway;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Streaming calls over real TLS end with UNAUTHENTICATED "token expired" when their token expires (clock skew 0
 * here), and the server stops working for them; a rule can opt out.
 */
class StreamExpiryTest {
  private static final String OPT_OUT_RULES = """
          - methods: ["greeter.Greeter/BidiHello"]
            scopes: [greet]
            end_streams_at_expiry: false
          - methods: ["greeter.Greeter/*"]
            scopes: [greet]
      """;

  @TempDir static Path dir;
  @TempDir static Path optOutDir;
  static TestGateway gateway;
  static TestGateway optOut;

  @BeforeAll
  static void start() {
    gateway = TestGateway.in(dir).auth("  clock_skew: 0s\n").start();
    optOut = TestGateway.in(optOutDir).auth("  clock_skew: 0s\n").rules(OPT_OUT_RULES).start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    optOut.close();
  }

  private static String tokenExpiringIn(TestGateway g, Duration lifetime) {
    return g.issuer().token().sub("alice").scopes("greet").exp(Instant.now().plus(lifetime)).sign();
  }

  private static HelloRequest hello(String name) {
    return HelloRequest.newBuilder().setName(name).build();
  }

  private static void assertExpired(Status status) {
    assertEquals(Status.Code.UNAUTHENTICATED, status.getCode(), status.toString());
    assertEquals("token expired", status.getDescription());
  }

  @Test
  void bidiStreamEndsWithUnauthenticatedWhenItsTokenExpires() throws Exception {
    String token = tokenExpiringIn(gateway, Duration.ofSeconds(2));
    StreamRecorder<HelloReply> replies = new StreamRecorder<>();
    StreamObserver<HelloRequest> requests = gateway.asyncStub(token).bidiHello(replies);
    requests.onNext(hello("Alice"));
    replies.awaitCount(1);
    long start = System.nanoTime();

    Status status = replies.awaitStatus();

    assertExpired(status);
    assertTrue(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start) < 3000);
    requests.onNext(hello("Bob")); // after the end: nothing more is answered
    Thread.sleep(200);
    assertEquals(1, replies.count());
  }

  @Test
  void serverStreamEndsAtExpiryAndTheServerStopsProducing() throws Exception {
    String token = tokenExpiringIn(gateway, Duration.ofSeconds(2));
    StreamRecorder<HelloReply> replies = new StreamRecorder<>();
    gateway.asyncStub(token).lotsOfReplies(
        HelloRequest.newBuilder().setName("Alice").setCount(1000).setIntervalMillis(50).build(), replies);
    replies.awaitCount(1);
    assertEquals(1, gateway.server().greeter().activeStreams());

    assertExpired(replies.awaitStatus());

    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
    while (gateway.server().greeter().activeStreams() > 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertEquals(0, gateway.server().greeter().activeStreams(), "the server stream kept running after expiry");
    assertTrue(replies.count() < 1000);
  }

  @Test
  void clientStreamEndsAtExpiry() throws Exception {
    String token = tokenExpiringIn(gateway, Duration.ofSeconds(2));
    StreamRecorder<HelloReply> replies = new StreamRecorder<>();
    StreamObserver<HelloRequest> requests = gateway.asyncStub(token).lotsOfGreetings(replies);
    requests.onNext(hello("Alice"));

    assertExpired(replies.awaitStatus());
  }

  @Test
  void publicStreamCalledWithATokenIsNotEndedAtItsExpiry() throws Exception {
    String token = tokenExpiringIn(gateway, Duration.ofSeconds(1));
    StreamRecorder<HealthCheckResponse> updates = new StreamRecorder<>();
    Context.CancellableContext watching = Context.current().withCancellation();
    watching.run(() -> HealthGrpc.newStub(gateway.channel()).withCallCredentials(BearerCredentials.of(token))
        .watch(HealthCheckRequest.getDefaultInstance(), updates));
    updates.awaitCount(1);

    Thread.sleep(2500);

    updates.awaitCount(1); // fails if the call has ended
    watching.cancel(null);
  }

  @Test
  void ruleWithEndStreamsAtExpiryOffLetsAStreamOutliveItsToken() throws Exception {
    String token = tokenExpiringIn(optOut, Duration.ofSeconds(1));
    StreamRecorder<HelloReply> replies = new StreamRecorder<>();
    StreamObserver<HelloRequest> requests = optOut.asyncStub(token).bidiHello(replies);
    requests.onNext(hello("Alice"));
    replies.awaitCount(1);

    Thread.sleep(2500);
    requests.onNext(hello("Bob"));
    replies.awaitCount(2);
    requests.onCompleted();

    assertEquals(Status.Code.OK, replies.awaitStatus().getCode());
  }
}
