package dev.grpcedge.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.observe.AccessLogInterceptor;
import dev.grpcedge.testing.LogCapture;
import dev.grpcedge.testing.StreamRecorder;
import dev.grpcedge.testing.TestGateway;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-caller limits through a real gateway: each is counted per caller, and over it the call says when to retry. */
class CallerLimitsTest {
  @TempDir Path dir;

  private static HelloRequest hello(String name) {
    return HelloRequest.newBuilder().setName(name).build();
  }

  @Test
  void callsOverTheRateFailWithWhenToRetryAndOtherCallersGoOn() throws Exception {
    try (TestGateway gateway = TestGateway.in(dir).limits("""
          callers:
            - methods: ["greeter.Greeter/SayHello"]
              calls_per_second: 1
              burst: 3
        """).start();
        LogCapture access = LogCapture.of(AccessLogInterceptor.LOGGER)) {
      var alice = GreeterGrpc.newBlockingStub(gateway.channel())
          .withCallCredentials(BearerCredentials.of(gateway.token("greet")));
      for (int i = 0; i < 3; i++) {
        assertEquals("Hello, a!", alice.sayHello(hello("a")).getMessage());
      }
      StatusRuntimeException over = assertThrows(StatusRuntimeException.class, () -> alice.sayHello(hello("a")));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, over.getStatus().getCode());
      assertTrue(over.getStatus().getDescription().matches(
          "more than 1 calls a second from this caller \\(burst 3\\); retry in \\d+ ms"), over.getStatus().toString());
      Metadata trailers = over.getTrailers();
      assertNotNull(trailers);
      long pushback = Long.parseLong(trailers.get(CallerLimiter.PUSHBACK));
      assertTrue(pushback > 0 && pushback <= 1000, "pushback " + pushback);

      // Another subject has its own bucket; a rule on one method leaves the others to the next rule (none here).
      String bobToken = gateway.issuer().token().sub("bob").scopes("greet").sign();
      var bob = GreeterGrpc.newBlockingStub(gateway.channel()).withCallCredentials(BearerCredentials.of(bobToken));
      assertEquals("Hello, b!", bob.sayHello(hello("b")).getMessage());

      String line = access.await("status=RESOURCE_EXHAUSTED", 5);
      assertTrue(line.contains("sub=alice") && line.contains("retry in"), line);
    }
  }

  @Test
  void callsInFlightAreCountedPerCallerAndFreedWhenTheyEnd() throws Exception {
    try (TestGateway gateway = TestGateway.in(dir).limits("""
          callers:
            - methods: ["greeter.Greeter/*"]
              concurrent_calls: 2
        """).start()) {
      var alice = GreeterGrpc.newStub(gateway.channel())
          .withCallCredentials(BearerCredentials.of(gateway.token("greet")));
      StreamRecorder<HelloReply> first = new StreamRecorder<>();
      StreamRecorder<HelloReply> second = new StreamRecorder<>();
      StreamObserver<HelloRequest> one = alice.bidiHello(first);
      StreamObserver<HelloRequest> two = alice.bidiHello(second);
      one.onNext(hello("1"));
      two.onNext(hello("2"));
      first.awaitCount(1);
      second.awaitCount(1);

      StreamRecorder<HelloReply> third = new StreamRecorder<>();
      alice.bidiHello(third).onNext(hello("3"));
      Status refused = third.awaitStatus();
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, refused.getCode());
      assertEquals("more than 2 calls of this caller in flight; retry when one ends", refused.getDescription());

      one.onCompleted();
      assertEquals(Status.Code.OK, first.awaitStatus().getCode());
      StreamRecorder<HelloReply> fourth = new StreamRecorder<>();
      StreamObserver<HelloRequest> four = alice.bidiHello(fourth);
      four.onNext(hello("4"));
      fourth.awaitCount(1);
      four.onCompleted();
      two.onCompleted();
      assertEquals(Status.Code.OK, fourth.awaitStatus().getCode());
      assertEquals(Status.Code.OK, second.awaitStatus().getCode());
    }
  }

  @Test
  void aStreamOverItsMessageRateIsSlowedNotFailedWithPushback() throws Exception {
    try (TestGateway gateway = TestGateway.in(dir).limits("""
          callers:
            - methods: ["greeter.Greeter/BidiHello"]
              messages_per_second: 10
              message_burst: 5
              over_message_rate: pushback
        """).start()) {
      var alice = GreeterGrpc.newStub(gateway.channel())
          .withCallCredentials(BearerCredentials.of(gateway.token("greet")));
      StreamRecorder<HelloReply> replies = new StreamRecorder<>();
      StreamObserver<HelloRequest> requests = alice.bidiHello(replies);
      for (int i = 0; i < 25; i++) {
        requests.onNext(hello("m" + i));
      }
      requests.onCompleted();
      // The burst at once, then about ten a second: 25 messages cannot all be read within the first half second.
      Thread.sleep(500);
      int early = replies.count();
      assertTrue(early >= 5 && early < 25, "replies after 0.5 s: " + early);
      assertEquals(Status.Code.OK, replies.awaitStatus().getCode());
      assertEquals(25, replies.count());
    }
  }

  @Test
  void aStreamOverItsMessageRateEndsWithFail() throws Exception {
    try (TestGateway gateway = TestGateway.in(dir).limits("""
          callers:
            - methods: ["greeter.Greeter/BidiHello"]
              messages_per_second: 1
              message_burst: 5
              over_message_rate: fail
        """).start()) {
      var alice = GreeterGrpc.newStub(gateway.channel())
          .withCallCredentials(BearerCredentials.of(gateway.token("greet")));
      StreamRecorder<HelloReply> replies = new StreamRecorder<>();
      StreamObserver<HelloRequest> requests = alice.bidiHello(replies);
      for (int i = 0; i < 20; i++) {
        requests.onNext(hello("m" + i));
      }
      Status status = replies.awaitStatus();
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, status.getCode());
      assertTrue(status.getDescription().startsWith("more than 1 messages a second from this caller (burst 5)"),
          status.toString());
      assertTrue(replies.count() <= 6, "replies: " + replies.count());
    }
  }

  @Test
  void callersWithoutATokenAreCountedByAddress() throws Exception {
    try (TestGateway gateway = TestGateway.in(dir).rules("""
            - methods: ["greeter.Greeter/*"]
              public: true
        """).security("  accept_risks: [public_methods]\n").limits("""
          callers:
            - methods: ["*"]
              calls_per_second: 1
              burst: 2
        """).start()) {
      var anonymous = GreeterGrpc.newBlockingStub(gateway.channel());
      var otherConnection = GreeterGrpc.newBlockingStub(gateway.channel());
      assertEquals("Hello, x!", anonymous.sayHello(hello("x")).getMessage());
      assertEquals("Hello, x!", otherConnection.sayHello(hello("x")).getMessage());
      // A new connection from the same address is the same caller.
      StatusRuntimeException over = assertThrows(StatusRuntimeException.class,
          () -> otherConnection.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(hello("x")));
      assertEquals(Status.Code.RESOURCE_EXHAUSTED, over.getStatus().getCode());
    }
  }
}
