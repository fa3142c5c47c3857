package dev.grpcedge.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.greeter.GreeterService;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.GreeterCalls;
import dev.grpcedge.testing.TestGateway;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.ClientCalls;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes to real upstream Greeters on loopback: every call kind is forwarded, behind the same chain as built-in
 * services, with the caller's token removed, and a failure that says nothing of the backends' addresses.
 */
class RoutingTest {
  @TempDir Path dir;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<Server> upstreams = new CopyOnWriteArrayList<>();
  private final List<Metadata> seenHeaders = new CopyOnWriteArrayList<>();
  private final Map<Integer, AtomicInteger> callsByPort = new ConcurrentHashMap<>();
  private final List<Long> seenDeadlineMillis = new CopyOnWriteArrayList<>();
  private final List<GreeterService> greeters = new CopyOnWriteArrayList<>();

  /** Server streams the upstream Greeters are still producing. */
  private int activeStreams() {
    return greeters.stream().mapToInt(GreeterService::activeStreams).sum();
  }

  @AfterEach
  void stop() {
    upstreams.forEach(Server::shutdownNow);
    scheduler.shutdownNow();
  }

  /** A Greeter on a loopback port that records what reaches it. */
  private int upstream() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ServerInterceptor recorder = new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
          ServerCallHandler<ReqT, RespT> next) {
        seenHeaders.add(headers);
        calls.incrementAndGet();
        if (Context.current().getDeadline() != null) {
          seenDeadlineMillis.add(Context.current().getDeadline().timeRemaining(TimeUnit.MILLISECONDS));
        }
        return next.startCall(call, headers);
      }
    };
    GreeterService greeter = new GreeterService(scheduler);
    greeters.add(greeter);
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(greeter, recorder))
        .build().start();
    upstreams.add(server);
    int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    callsByPort.put(port, calls);
    return port;
  }

  private TestGateway gateway(String targets) {
    return TestGateway.in(dir).routing("""
        upstreams:
          greeters:
            targets: [%s]
            plaintext: true
            health_check: false
        routes:
          - methods: ["greeter.Greeter/*"]
            upstream: greeters
        """.formatted(targets)).start();
  }

  @Test
  void everyCallKindIsForwardedAndSpreadOverTheBackends() throws Exception {
    int a = upstream();
    int b = upstream();
    try (TestGateway gateway = gateway("\"127.0.0.1:" + a + "\", \"127.0.0.1:" + b + "\"")) {
      // The built-in Greeter gave way to the route.
      assertFalse(gateway.server().servedMethods().contains("greeter.Greeter/SayHello"));
      GreeterCalls.assertAllFourKindsGreet(gateway.channel(), BearerCredentials.of(gateway.token("greet")));
      var stub = gateway.blockingStub(gateway.token("greet"));
      for (int i = 0; i < 20; i++) {
        assertEquals("Hello, R!", stub.sayHello(HelloRequest.newBuilder().setName("R").build()).getMessage());
      }
      // round_robin: both backends got calls.
      assertTrue(callsByPort.get(a).get() >= 5 && callsByPort.get(b).get() >= 5, callsByPort.toString());
    }
  }

  @Test
  void theCallersTokenNeverReachesTheUpstreamAndItsAddressDoes() throws Exception {
    int a = upstream();
    try (TestGateway gateway = gateway("\"127.0.0.1:" + a + "\"")) {
      Metadata sent = new Metadata();
      sent.put(Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER), "6.6.6.6");
      sent.put(Metadata.Key.of("x-request-tag", Metadata.ASCII_STRING_MARSHALLER), "kept");
      gateway.blockingStub(gateway.token("greet"))
          .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(sent))
          .withDeadlineAfter(3, TimeUnit.SECONDS)
          .sayHello(HelloRequest.newBuilder().setName("T").build());
      Metadata seen = seenHeaders.get(seenHeaders.size() - 1);
      assertFalse(seen.containsKey(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)), seen.toString());
      assertEquals(List.of("127.0.0.1"), iterable(seen.getAll(
          Metadata.Key.of("x-forwarded-for", Metadata.ASCII_STRING_MARSHALLER))));
      assertEquals("kept", seen.get(Metadata.Key.of("x-request-tag", Metadata.ASCII_STRING_MARSHALLER)));
      // The deadline travelled, shrunk by the hop, never longer than the caller's.
      long remaining = seenDeadlineMillis.get(seenDeadlineMillis.size() - 1);
      assertTrue(remaining > 0 && remaining <= 3000, "upstream deadline " + remaining + " ms");
    }
  }

  @Test
  void routedAndUnknownMethodsNeedATokenBeforeAnythingElse() throws Exception {
    int a = upstream();
    try (TestGateway gateway = gateway("\"127.0.0.1:" + a + "\"")) {
      StatusRuntimeException noToken = assertThrows(StatusRuntimeException.class, () -> GreeterGrpc
          .newBlockingStub(gateway.channel()).sayHello(HelloRequest.newBuilder().setName("x").build()));
      assertEquals(Status.Code.UNAUTHENTICATED, noToken.getStatus().getCode());
      assertEquals(0, callsByPort.get(a).get());

      MethodDescriptor<byte[], byte[]> unknown = Bytes.method("secret.Admin/DropTables").toBuilder()
          .setType(MethodDescriptor.MethodType.UNARY).build();
      StatusRuntimeException probe = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
          gateway.channel(), unknown, io.grpc.CallOptions.DEFAULT, new byte[0]));
      assertEquals(Status.Code.UNAUTHENTICATED, probe.getStatus().getCode(), probe.getStatus().toString());
      StatusRuntimeException withToken = assertThrows(StatusRuntimeException.class, () -> ClientCalls
          .blockingUnaryCall(gateway.channel(), unknown, io.grpc.CallOptions.DEFAULT
              .withCallCredentials(BearerCredentials.of(gateway.token("greet"))), new byte[0]));
      assertEquals(Status.Code.UNIMPLEMENTED, withToken.getStatus().getCode());
    }
  }

  @Test
  void allBackendsDownIsUnavailableAtOnceWithoutTheirAddresses() throws Exception {
    int a = upstream();
    upstreams.get(0).shutdownNow().awaitTermination();
    try (TestGateway gateway = gateway("\"127.0.0.1:" + a + "\"")) {
      long start = System.nanoTime();
      StatusRuntimeException down = assertThrows(StatusRuntimeException.class, () -> gateway
          .blockingStub(gateway.token("greet")).withDeadlineAfter(20, TimeUnit.SECONDS)
          .sayHello(HelloRequest.newBuilder().setName("x").build()));
      assertEquals(Status.Code.UNAVAILABLE, down.getStatus().getCode());
      assertEquals("upstream greeters is unavailable", down.getStatus().getDescription());
      assertTrue(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) < 10, "not at the deadline");
    }
  }

  @Test
  void theUpstreamsStatusAndABrowsersCallGoThrough() throws Exception {
    int a = upstream();
    try (TestGateway gateway = TestGateway.in(dir).web("").routing("""
        upstreams:
          greeters: {targets: ["127.0.0.1:%d"], plaintext: true, health_check: false}
        routes:
          - {methods: ["greeter.Greeter/*"], upstream: greeters}
        """.formatted(a)).start()) {
      // A status the upstream's service chose comes back as it is.
      StatusRuntimeException invalid = assertThrows(StatusRuntimeException.class, () -> gateway
          .blockingStub(gateway.token("greet")).sayHello(HelloRequest.newBuilder().setName(" ").build()));
      assertEquals(Status.Code.INVALID_ARGUMENT, invalid.getStatus().getCode());
      assertEquals("name is required", invalid.getStatus().getDescription());

      // gRPC-Web from a browser reaches the routed Greeter through the bridge and the same chain.
      var web = new dev.grpcedge.testing.WebClient(gateway.webPort(), gateway.caFile(),
          java.net.http.HttpClient.Version.HTTP_2);
      byte[] body = dev.grpcedge.testing.WebClient.frame(HelloRequest.newBuilder().setName("Web").build().toByteArray());
      var ok = web.post("/greeter.Greeter/SayHello", Map.of("content-type", "application/grpc-web+proto",
          "x-grpc-web", "1", "authorization", "Bearer " + gateway.token("greet")), body);
      var frames = dev.grpcedge.testing.WebClient.frames(ok.body());
      assertEquals("Hello, Web!", dev.grpcedge.greeter.proto.HelloReply.parseFrom(frames.get(0).payload())
          .getMessage());
      var refused = web.post("/greeter.Greeter/SayHello", Map.of("content-type", "application/grpc-web+proto",
          "x-grpc-web", "1"), body);
      assertEquals("16", refused.headers().firstValue("grpc-status").orElse(""), refused.headers().toString());
    }
  }

  @Test
  void aDnsTargetIsResolvedByGrpcJava() throws Exception {
    int a = upstream();
    try (TestGateway gateway = gateway("\"dns:///localhost:" + a + "\"")) {
      assertEquals("Hello, N!", gateway.blockingStub(gateway.token("greet"))
          .sayHello(HelloRequest.newBuilder().setName("N").build()).getMessage());
      assertEquals(1, callsByPort.get(a).get());
    }
  }

  @Test
  void aCallerThatCancelsCancelsTheUpstreamCall() throws Exception {
    int a = upstream();
    try (TestGateway gateway = gateway("\"127.0.0.1:" + a + "\"")) {
      var replies = new dev.grpcedge.testing.StreamRecorder<dev.grpcedge.greeter.proto.HelloReply>();
      Context.CancellableContext cancellable = Context.current().withCancellation();
      cancellable.run(() -> GreeterGrpc.newStub(gateway.channel())
          .withCallCredentials(BearerCredentials.of(gateway.token("greet")))
          .lotsOfReplies(HelloRequest.newBuilder().setName("C").setCount(1000).setIntervalMillis(50).build(),
              replies));
      replies.awaitCount(2);
      assertEquals(1, activeStreams(), "the upstream is streaming");
      cancellable.cancel(null);
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (activeStreams() > 0 && System.nanoTime() < until) {
        Thread.sleep(10);
      }
      assertEquals(0, activeStreams(), "the upstream stream was not cancelled");
    }
  }

  private static <T> List<T> iterable(Iterable<T> values) {
    List<T> out = new java.util.ArrayList<>();
    values.forEach(out::add);
    return out;
  }
}
