package dev.grpcedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.StreamRecorder;
import dev.grpcedge.testing.TestGateway;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Greeter's four kinds of RPC through the whole gateway: TLS, bearer JWT, policy, access log. */
class GreeterOverTlsTest {
  @TempDir static Path dir;
  static TestGateway gateway;
  static String token;

  @BeforeAll
  static void start() {
    gateway = TestGateway.in(dir).limits("  max_inbound_message_size: 1024\n").start();
    token = gateway.token("greet");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static HelloRequest name(String n) {
    return HelloRequest.newBuilder().setName(n).build();
  }

  @Test
  void sayHelloGreetsByName() {
    assertEquals("Hello, Alice!", gateway.blockingStub(token).sayHello(name("Alice")).getMessage());
  }

  @Test
  void sayHelloAgainGreetsAgain() {
    assertEquals("Hello again, Alice!", gateway.blockingStub(token).sayHelloAgain(name("Alice")).getMessage());
  }

  @Test
  void lotsOfRepliesStreamsTheRequestedCount() {
    List<String> got = new ArrayList<>();
    gateway.blockingStub(token).lotsOfReplies(name("Bob").toBuilder().setCount(4).build())
        .forEachRemaining(r -> got.add(r.getMessage()));
    assertEquals(List.of("Hello, Bob! (1 of 4)", "Hello, Bob! (2 of 4)", "Hello, Bob! (3 of 4)", "Hello, Bob! (4 of 4)"), got);
  }

  @Test
  void lotsOfGreetingsAnswersOnceForEveryone() throws Exception {
    StreamRecorder<HelloReply> replies = new StreamRecorder<>();
    StreamObserver<HelloRequest> requests = gateway.asyncStub(token).lotsOfGreetings(replies);
    for (String n : List.of("Ann", "Ben", "Cy")) {
      requests.onNext(name(n));
    }
    requests.onCompleted();
    assertEquals(List.of("Hello, Ann, Ben and Cy!"), replies.awaitMessages());
  }

  @Test
  void bidiHelloAnswersEachRequestInOrder() throws Exception {
    StreamRecorder<HelloReply> replies = new StreamRecorder<>();
    StreamObserver<HelloRequest> requests = gateway.asyncStub(token).bidiHello(replies);
    for (String n : List.of("Ann", "Ben", "Cy")) {
      requests.onNext(name(n));
    }
    requests.onCompleted();
    assertEquals(List.of("Hello, Ann!", "Hello, Ben!", "Hello, Cy!"), replies.awaitMessages());
  }

  @Test
  void emptyNameIsInvalidArgument() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> gateway.blockingStub(token).sayHello(name("  ")));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("name is required", e.getStatus().getDescription());
  }

  @Test
  void oversizedNameIsInvalidArgument() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> gateway.blockingStub(token).sayHello(name("x".repeat(257))));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("name is longer than 256 characters", e.getStatus().getDescription());
  }

  @Test
  void countIsReadUnsignedSoMinusOneAndThreeBillionAreRefused() {
    // -1 and 3,000,000,000 are 4294967295 and 3000000000 as the uint32 a Python or Go client sends.
    for (long wire : List.of(4_294_967_295L, 3_000_000_000L, 1001L)) {
      HelloRequest tooMany = name("Eve").toBuilder().setCount((int) wire).build();
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> gateway.blockingStub(token).lotsOfReplies(tooMany).forEachRemaining(r -> { }));
      assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode(), "count " + wire);
      assertEquals("count must be at most 1000, got " + wire, e.getStatus().getDescription());
    }
    assertEquals(0, gateway.server().greeter().activeStreams());
  }

  @Test
  void intervalIsReadUnsignedSoMinusOneIsRefused() {
    HelloRequest negative = name("Eve").toBuilder().setCount(2).setIntervalMillis(-1).build();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> gateway.blockingStub(token).lotsOfReplies(negative).forEachRemaining(r -> { }));
    assertEquals(Status.Code.INVALID_ARGUMENT, e.getStatus().getCode());
    assertEquals("interval_millis must be at most 60000, got 4294967295", e.getStatus().getDescription());
  }

  @Test
  void countOfExactlyTheLimitIsServed() {
    List<String> got = new ArrayList<>();
    gateway.blockingStub(token).lotsOfReplies(name("Max").toBuilder().setCount(1000).build())
        .forEachRemaining(r -> got.add(r.getMessage()));
    assertEquals(1000, got.size());
    assertEquals("Hello, Max! (1000 of 1000)", got.get(999));
  }

  @Test
  void messageOverTheLimitIsResourceExhaustedAndTheServerGoesOn() {
    var stub = gateway.blockingStub(token);
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub.sayHello(name("x".repeat(2000))));
    assertEquals(Status.Code.RESOURCE_EXHAUSTED, e.getStatus().getCode());
    assertEquals("Hello, Alice!", stub.sayHello(name("Alice")).getMessage());
  }

  @Test
  void slowStreamPastItsDeadlineIsDeadlineExceeded() {
    HelloRequest slow = name("Slow").toBuilder().setCount(10).setIntervalMillis(200).build();
    Iterator<HelloReply> it = gateway.blockingStub(token).withDeadlineAfter(500, TimeUnit.MILLISECONDS).lotsOfReplies(slow);
    List<String> got = new ArrayList<>();
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> it.forEachRemaining(r -> got.add(r.getMessage())));
    assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    assertTrue(got.size() >= 1 && got.size() < 10, "got " + got);
  }

  @Test
  void cancelledServerStreamStopsOnTheServer() throws Exception {
    HelloRequest endless = name("Cancel").toBuilder().setCount(1000).setIntervalMillis(20).build();
    Context.CancellableContext context = Context.current().withCancellation();
    StreamRecorder<HelloReply> replies = new StreamRecorder<>();
    context.run(() -> gateway.asyncStub(token).lotsOfReplies(endless, replies));
    replies.awaitCount(3);
    assertEquals(1, gateway.server().greeter().activeStreams());
    context.cancel(null);
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (gateway.server().greeter().activeStreams() > 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertEquals(0, gateway.server().greeter().activeStreams(), "the server stream kept running after cancel");
    assertTrue(replies.count() < 1000);
  }

  @Test
  void unknownMethodIsDeniedWithoutAToken() {
    var stub = GreeterGrpc.newBlockingStub(gateway.channel());
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> stub.sayHello(name("Alice")));
    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
  }
}
