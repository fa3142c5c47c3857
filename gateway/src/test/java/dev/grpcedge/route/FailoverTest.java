package dev.grpcedge.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.greeter.GreeterService;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.StreamRecorder;
import dev.grpcedge.testing.TestGateway;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.services.HealthStatusManager;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Failure as a caller would want it, from grpc-java's own balancer, health checks and retries behind a route. */
class FailoverTest {
  @TempDir Path dir;

  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final List<Backend> backends = new ArrayList<>();

  /** One upstream Greeter with its health service, counting the calls it gets. */
  private record Backend(Server server, int port, HealthStatusManager health, AtomicInteger calls,
      GreeterService greeter, AtomicInteger watches, AtomicInteger watchesCancelled) {}

  @AfterEach
  void stop() {
    backends.forEach(b -> b.server().shutdownNow());
    scheduler.shutdownNow();
  }

  private Backend backend() throws Exception {
    return backend(0);
  }

  /**
   * A backend that holds each unary call {@code delayMillis} before answering (calls in flight when it dies), or,
   * with -1, fails every Greeter call with UNAVAILABLE while its health stays SERVING.
   */
  private Backend backend(long delayMillis) throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HealthStatusManager health = new HealthStatusManager();
    GreeterService greeter = new GreeterService(scheduler);
    ServerInterceptor counter = new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
          ServerCallHandler<ReqT, RespT> next) {
        calls.incrementAndGet();
        if (delayMillis < 0) {
          call.close(Status.UNAVAILABLE.withDescription("out of order"), new Metadata());
          return new ServerCall.Listener<>() {};
        }
        if (delayMillis > 0 && call.getMethodDescriptor().getType() == io.grpc.MethodDescriptor.MethodType.UNARY) {
          try {
            Thread.sleep(delayMillis);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        }
        return next.startCall(call, headers);
      }
    };
    AtomicInteger watches = new AtomicInteger();
    AtomicInteger watchesCancelled = new AtomicInteger();
    ServerInterceptor watchCounter = new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
          ServerCallHandler<ReqT, RespT> next) {
        watches.incrementAndGet();
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(next.startCall(call, headers)) {
          @Override
          public void onCancel() {
            watchesCancelled.incrementAndGet();
            super.onCancel();
          }
        };
      }
    };
    Server server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(greeter, counter))
        .addService(ServerInterceptors.intercept(health.getHealthService(), watchCounter))
        .build().start();
    health.setStatus("", ServingStatus.SERVING);
    Backend b = new Backend(server, ((InetSocketAddress) server.getListenSockets().get(0)).getPort(), health, calls,
        greeter, watches, watchesCancelled);
    backends.add(b);
    return b;
  }

  private TestGateway gateway(String upstreamExtra) {
    String targets = backends.stream().map(b -> "\"127.0.0.1:" + b.port() + "\"").collect(Collectors.joining(", "));
    return TestGateway.in(dir).routing("""
        upstreams:
          greeters:
            targets: [%s]
            plaintext: true
            health_check: true
        %s
        routes:
          - {methods: ["greeter.Greeter/*"], upstream: greeters}
        """.formatted(targets, upstreamExtra)).start();
  }

  private static HelloRequest hello(String name) {
    return HelloRequest.newBuilder().setName(name).build();
  }

  @Test
  void healthWatchesOutliveTheCallThatWokeTheChannel() throws Exception {
    Backend a = backend();
    Backend b = backend();
    try (TestGateway gateway = gateway("")) {
      // The first call wakes the upstream channel, which starts a health Watch on each backend. Started in that
      // call's context, the Watches were cancelled as soon as the call ended, and the backends counted as failed.
      assertEquals("Hello, first!", gateway.blockingStub(gateway.token("greet")).sayHello(hello("first")).getMessage());
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while ((a.watches().get() == 0 || b.watches().get() == 0) && System.nanoTime() < until) {
        Thread.sleep(10);
      }
      Thread.sleep(300);
      assertEquals(1, a.watches().get(), "health Watches on a");
      assertEquals(1, b.watches().get(), "health Watches on b");
      assertEquals(0, a.watchesCancelled().get() + b.watchesCancelled().get(), "health Watches cancelled");
    }
  }

  @Test
  void aBackendThatTurnsNotServingGetsNoNewCalls() throws Exception {
    Backend a = backend();
    Backend b = backend();
    try (TestGateway gateway = gateway("")) {
      var stub = gateway.blockingStub(gateway.token("greet"));
      for (int i = 0; i < 10; i++) {
        stub.sayHello(hello("h"));
      }
      assertTrue(a.calls().get() > 0 && b.calls().get() > 0, a.calls() + " / " + b.calls());
      a.health().setStatus("", ServingStatus.NOT_SERVING);
      Thread.sleep(1000);
      int before = a.calls().get();
      for (int i = 0; i < 20; i++) {
        assertEquals("Hello, h!", stub.sayHello(hello("h")).getMessage());
      }
      assertEquals(before, a.calls().get(), "a NOT_SERVING backend got new calls");
    }
  }

  @Test
  void aBackendWhoseCallsFailIsEjectedAndRetriesHideItsFailures() throws Exception {
    backend();
    backend();
    // Up and SERVING, yet every call it gets fails: only outlier detection can see it.
    Backend sick = backend(-1);
    try (TestGateway gateway = gateway("""
            retry: {max_attempts: 3, initial_backoff: 10ms, max_backoff: 50ms, codes: [UNAVAILABLE]}
            outlier_detection: {interval: 200ms, base_ejection_time: 1m, request_volume: 5, minimum_hosts: 3}
        """)) {
      var stub = gateway.blockingStub(gateway.token("greet"));
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() < until) {
        assertEquals("Hello, o!", stub.sayHello(hello("o")).getMessage());
      }
      assertTrue(sick.calls().get() > 0, "the sick backend never got a call");
      int before = sick.calls().get();
      for (int i = 0; i < 60; i++) {
        assertEquals("Hello, o!", stub.sayHello(hello("o")).getMessage());
      }
      assertEquals(before, sick.calls().get(), "an ejected backend got new calls");
    }
  }

  @Test
  void oneOfThreeBackendsKilledUnderLoadFailsNoRetriedUnaryCallAndEndsItsStreams() throws Exception {
    backend();
    backend();
    // Slow to answer, so that unary calls are in flight on it when it dies: they must be retried elsewhere.
    Backend doomed = backend(100);
    try (TestGateway gateway = gateway("""
            retry: {max_attempts: 3, initial_backoff: 10ms, max_backoff: 100ms, codes: [UNAVAILABLE]}
        """)) {
      var token = BearerCredentials.of(gateway.token("greet"));
      var stub = GreeterGrpc.newBlockingStub(gateway.channel()).withCallCredentials(token);
      // Until the balancer has every backend ready (each has had a call), then streams on every one, round robin;
      // those on the doomed one must end UNAVAILABLE.
      long ready = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (backends.stream().anyMatch(b -> b.calls().get() == 0) && System.nanoTime() < ready) {
        stub.sayHello(hello("warm"));
      }
      List<StreamRecorder<HelloReply>> streams = new ArrayList<>();
      while (streams.size() < 6 || doomed.greeter().activeStreams() == 0 && streams.size() < 30) {
        StreamRecorder<HelloReply> replies = new StreamRecorder<>();
        GreeterGrpc.newStub(gateway.channel()).withCallCredentials(token)
            .lotsOfReplies(hello("s").toBuilder().setCount(1000).setIntervalMillis(100).build(), replies);
        streams.add(replies);
        replies.awaitCount(1);
      }
      int onDoomed = doomed.greeter().activeStreams();
      assertTrue(onDoomed > 0, "no stream on the doomed backend");

      AtomicBoolean stop = new AtomicBoolean();
      AtomicInteger ok = new AtomicInteger();
      List<Status> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      Thread load = new Thread(() -> {
        while (!stop.get()) {
          try {
            stub.withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(hello("u"));
            ok.incrementAndGet();
          } catch (io.grpc.StatusRuntimeException e) {
            failures.add(e.getStatus());
          }
        }
      });
      load.start();
      Thread.sleep(300);
      doomed.server().shutdownNow();
      Thread.sleep(700);
      stop.set(true);
      load.join();
      assertEquals(List.of(), failures, ok.get() + " OK");
      assertTrue(ok.get() > 50, ok.get() + " OK");

      // The streams on the killed backend end UNAVAILABLE; the others go on.
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (streams.stream().filter(StreamRecorder::done).count() < onDoomed && System.nanoTime() < until) {
        Thread.sleep(10);
      }
      List<Status> ended = new ArrayList<>();
      for (StreamRecorder<HelloReply> s : streams) {
        if (s.done()) {
          ended.add(s.awaitStatus());
        }
      }
      assertEquals(onDoomed, ended.size(), ended.toString());
      for (Status st : ended) {
        assertEquals(Status.Code.UNAVAILABLE, st.getCode(), st.toString());
      }
    }
  }
}
