package dev.grpcedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.grpcedge.greeter.GreeterService;
import dev.grpcedge.testing.StreamRecorder;
import dev.grpcedge.testing.TestGateway;
import io.grpc.Server;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** grpc.health.v1 for the gateway and per service: a routed service follows its upstream; draining ends all. */
class ServiceHealthTest {
  @TempDir Path dir;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  private static ServingStatus check(TestGateway gateway, String service) {
    return HealthGrpc.newBlockingStub(gateway.channel()).withDeadlineAfter(5, TimeUnit.SECONDS)
        .check(HealthCheckRequest.newBuilder().setService(service).build()).getStatus();
  }

  private static void await(TestGateway gateway, String service, ServingStatus expected) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (check(gateway, service) != expected && System.nanoTime() < until) {
      Thread.sleep(50);
    }
    assertEquals(expected, check(gateway, service), service);
  }

  @Test
  void aRoutedServiceFollowsItsUpstream() throws Exception {
    Server upstream = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(new GreeterService(scheduler)).build().start();
    int port = ((InetSocketAddress) upstream.getListenSockets().get(0)).getPort();
    try (TestGateway gateway = TestGateway.in(dir).routing("""
        upstreams:
          greeters: {targets: ["127.0.0.1:%d"], plaintext: true, health_check: false}
        routes:
          - {methods: ["greeter.Greeter/*"], upstream: greeters}
        """.formatted(port)).start()) {
      assertEquals(ServingStatus.SERVING, check(gateway, ""));
      await(gateway, "greeter.Greeter", ServingStatus.SERVING);
      upstream.shutdownNow().awaitTermination();
      await(gateway, "greeter.Greeter", ServingStatus.NOT_SERVING);
      assertEquals(ServingStatus.SERVING, check(gateway, ""), "the gateway itself still serves");
      upstream = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", port))
          .addService(new GreeterService(scheduler)).build().start();
      await(gateway, "greeter.Greeter", ServingStatus.SERVING);
    } finally {
      upstream.shutdownNow();
    }
  }

  @Test
  void probesWithoutTlsGetHealthAloneOnTheAdminPort() throws Exception {
    try (TestGateway gateway = TestGateway.in(dir)
        .routing("admin: {listen: \"127.0.0.1:0\", health_listen: \"127.0.0.1:0\"}\n").start()) {
      io.grpc.ManagedChannel plain = io.grpc.netty.NettyChannelBuilder
          .forAddress("127.0.0.1", gateway.server().healthPort()).usePlaintext().build();
      try {
        var probe = HealthGrpc.newBlockingStub(plain).withDeadlineAfter(5, TimeUnit.SECONDS);
        assertEquals(ServingStatus.SERVING, probe.check(HealthCheckRequest.getDefaultInstance()).getStatus());
        assertEquals(ServingStatus.SERVING, probe.check(HealthCheckRequest.newBuilder()
            .setService("greeter.Greeter").build()).getStatus());
        // Nothing but health answers there, and without TLS nothing needs a token.
        var greeter = dev.grpcedge.greeter.proto.GreeterGrpc.newBlockingStub(plain).withDeadlineAfter(5,
            TimeUnit.SECONDS);
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.grpc.StatusRuntimeException.class,
            () -> greeter.sayHello(dev.grpcedge.greeter.proto.HelloRequest.newBuilder().setName("x").build()));
        assertEquals(io.grpc.Status.Code.UNIMPLEMENTED, e.getStatus().getCode());
      } finally {
        plain.shutdownNow();
      }
    }
  }

  @Test
  void drainingTurnsEveryServiceNotServingFirst() throws Exception {
    try (TestGateway gateway = TestGateway.in(dir).shutdownGrace("2s").start()) {
      assertEquals(ServingStatus.SERVING, check(gateway, "greeter.Greeter"));
      StreamRecorder<HealthCheckResponse> watch = new StreamRecorder<>();
      HealthGrpc.newStub(gateway.channel()).watch(HealthCheckRequest.newBuilder().setService("greeter.Greeter")
          .build(), watch);
      watch.awaitCount(1);
      Thread drain = new Thread(() -> gateway.server().drain());
      drain.start();
      watch.awaitCount(2);
      assertEquals(ServingStatus.NOT_SERVING, watch.messages().get(1).getStatus());
      drain.join();
    }
  }
}
