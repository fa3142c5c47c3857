package dev.grpcedge.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.TestGateway;
import io.grpc.Context;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** One access line per call, whatever its outcome, with the caller's subject and never the token. */
class AccessLogTest {
  private static final HelloRequest ALICE = HelloRequest.newBuilder().setName("Alice").build();

  @TempDir static Path dir;
  static TestGateway gateway;
  static ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeAll
  static void start() {
    Logger access = (Logger) LoggerFactory.getLogger(AccessLogInterceptor.LOGGER);
    lines.start();
    access.addAppender(lines);
    gateway = TestGateway.in(dir).start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
    ((Logger) LoggerFactory.getLogger(AccessLogInterceptor.LOGGER)).detachAppender(lines);
  }

  @BeforeEach
  void clear() {
    lines.list.clear();
  }

  private static String awaitLine(String method) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < until) {
      List<String> matching = lines.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(l -> l.contains("method=" + method + " ")).toList();
      if (!matching.isEmpty()) {
        assertEquals(1, matching.size(), "one line per call: " + matching);
        return matching.get(0);
      }
      Thread.sleep(5);
    }
    throw new AssertionError("no access line for " + method + " in " + lines.list);
  }

  @Test
  void servedCallIsLoggedWithSubjectStatusAndCounts() throws Exception {
    String token = gateway.token("greet");
    gateway.blockingStub(token).sayHello(ALICE);
    String line = awaitLine("greeter.Greeter/SayHello");
    assertTrue(line.matches("peer=/127\\.0\\.0\\.1:\\d+ method=greeter\\.Greeter/SayHello sub=alice status=OK duration_ms=\\d+\\.\\d\\d in=1 out=1 trace_id=[0-9a-f]{32} span_id=[0-9a-f]{16}"), line);
  }

  @Test
  void refusedCallIsLoggedWithItsStatusAndNeverTheToken() throws Exception {
    String token = gateway.token("read");
    assertThrows(StatusRuntimeException.class, () -> gateway.blockingStub(token).sayHelloAgain(ALICE));
    String line = awaitLine("greeter.Greeter/SayHelloAgain");
    assertTrue(line.contains("status=PERMISSION_DENIED"), line);
    assertTrue(line.contains("desc=\"missing scope: greet\""), line);
    for (String part : token.split("\\.")) {
      assertFalse(line.contains(part), "the access line holds part of the token: " + line);
    }
    lines.list.forEach(e -> assertFalse(e.getFormattedMessage().contains(token.split("\\.")[2])));
  }

  @Test
  void unauthenticatedCallIsLogged() throws Exception {
    assertThrows(StatusRuntimeException.class,
        () -> GreeterGrpc.newBlockingStub(gateway.channel()).sayHello(ALICE));
    String line = awaitLine("greeter.Greeter/SayHello");
    assertTrue(line.contains("sub=- status=UNAUTHENTICATED"), line);
    assertTrue(line.contains("in=0 out=0"), line);
  }

  @Test
  void cancelledStreamIsLoggedAsCancelledWithItsCounts() throws Exception {
    var request = ALICE.toBuilder().setCount(1000).setIntervalMillis(10).build();
    Context.CancellableContext context = Context.current().withCancellation();
    var replies = new dev.grpcedge.testing.StreamRecorder<dev.grpcedge.greeter.proto.HelloReply>();
    context.run(() -> gateway.asyncStub(gateway.token("greet")).lotsOfReplies(request, replies));
    replies.awaitCount(2);
    context.cancel(null);
    String line = awaitLine("greeter.Greeter/LotsOfReplies");
    assertTrue(line.contains("sub=alice status=CANCELLED"), line);
    assertTrue(line.contains(" in=1 "), line);
    assertTrue(line.endsWith("desc=\"cancelled by the caller\""), line);
  }

  @Test
  void streamsThatRunIntoTheCallersDeadlineAreLoggedAsDeadlineExceeded() throws Exception {
    // The caller's reset and the server's own deadline race; before the fix about a third of such calls were
    // logged as the caller's cancel. One warm connection: a call's grpc-timeout is computed before its
    // connection's handshake, so a first call's server deadline lags by the handshake.
    var stub = GreeterGrpc.newBlockingStub(gateway.channel())
        .withCallCredentials(dev.grpcedge.client.BearerCredentials.of(gateway.token("greet")));
    stub.sayHello(ALICE);
    var fast = ALICE.toBuilder().setCount(1000).setIntervalMillis(7).build();
    int calls = 8;
    for (int i = 0; i < calls; i++) {
      var withDeadline = stub.withDeadlineAfter(150 + 60 * i, TimeUnit.MILLISECONDS);
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> withDeadline.lotsOfReplies(fast).forEachRemaining(r -> { }));
      assertEquals(io.grpc.Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
    }
    List<String> logged = awaitLines("greeter.Greeter/LotsOfReplies", calls);
    for (String line : logged) {
      assertTrue(line.contains("sub=alice status=DEADLINE_EXCEEDED"), line);
      assertFalse(line.contains("cancelled by the caller"), line);
    }
  }

  private static List<String> awaitLines(String method, int count) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    List<String> matching = List.of();
    while (System.nanoTime() < until) {
      matching = lines.list.stream().map(ILoggingEvent::getFormattedMessage)
          .filter(l -> l.contains("method=" + method + " ")).toList();
      if (matching.size() >= count) {
        return matching;
      }
      Thread.sleep(5);
    }
    throw new AssertionError(count + " access lines expected for " + method + ", got " + matching);
  }

  @Test
  void forgedLineBreakInTheSubjectCannotSplitTheLine() throws Exception {
    String token = gateway.issuer().token().sub("mallory\n2026-01-01 INFO access - peer=x sub=admin status=OK")
        .scopes("greet").sign();
    gateway.blockingStub(token).sayHelloAgain(ALICE);
    String line = awaitLine("greeter.Greeter/SayHelloAgain");
    assertFalse(line.contains("\n"), line);
    assertTrue(line.contains("sub=mallory?2026-01-01 INFO access"), line);
  }

  @Test
  void safeReplacesControlCharactersAndQuotesOnly() {
    assertEquals("plain text", AccessLogInterceptor.safe("plain text"));
    assertEquals("a?b?c'd'", AccessLogInterceptor.safe("a\rb\nc\"d\""));
  }
}
