package dev.grpcedge.limits;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.auth.TestIssuer;
import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.client.Channels;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.RedisServer;
import dev.grpcedge.testing.ServeProcess;
import dev.grpcedge.testing.TestGateway;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway processes share one caller's limit through a real Redis: the calls admitted across both are the
 * limit (within one refill). Redis is then stopped and started again: the configured {@code deny} holds
 * throughout the outage, each gateway says so once, and both share the limit again once Redis is back.
 */
class RedisSharedLimitsTest {
  private static final int BURST = 20;

  @TempDir Path dir;

  @Test
  void aFleetSharesOneLimitPerCallerAndDeniesWhileRedisIsDown() throws Exception {
    RedisServer.requireInstalled();
    try (RedisServer redis = RedisServer.start(dir)) {
      TestIssuer issuer = TestIssuer.create(TestGateway.ISSUER, TestGateway.AUDIENCE);
      Path config = TestGateway.in(dir).limits("""
            callers:
              - methods: ["greeter.Greeter/SayHello"]
                calls_per_second: 1
                burst: %d
            store: redis
            redis:
              address: 127.0.0.1:%d
              timeout: 500ms
            on_store_failure: deny
          """.formatted(BURST, redis.port())).writeConfig(issuer);
      try (ServeProcess one = ServeProcess.start(config, List.of(), Map.of());
          ServeProcess two = ServeProcess.start(config, List.of(), Map.of())) {
        ManagedChannel a = Channels.tls("localhost:" + one.awaitListening(), dir.resolve("ca.pem"));
        ManagedChannel b = Channels.tls("localhost:" + two.awaitListening(), dir.resolve("ca.pem"));
        try {
          var token = BearerCredentials.of(issuer.token().sub("alice").scopes("greet").sign());
          var viaA = GreeterGrpc.newBlockingStub(a).withCallCredentials(token);
          var viaB = GreeterGrpc.newBlockingStub(b).withCallCredentials(token);

          long start = System.nanoTime();
          Map<Status.Code, Integer> spread = new TreeMap<>();
          for (int i = 0; i < 2 * BURST; i++) {
            spread.merge(call(i % 2 == 0 ? viaA : viaB), 1, Integer::sum);
          }
          long refills = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start) + 1;
          int admitted = spread.getOrDefault(Status.Code.OK, 0);
          assertTrue(admitted >= BURST && admitted <= BURST + refills, spread + " in " + refills + " s");
          assertEquals(2 * BURST - admitted, spread.getOrDefault(Status.Code.RESOURCE_EXHAUSTED, 0), spread.toString());

          redis.stop();
          for (int i = 0; i < 10; i++) {
            StatusRuntimeException e = expectFailure(i % 2 == 0 ? viaA : viaB);
            assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
            assertEquals("rate limits cannot be checked right now; retry later", e.getStatus().getDescription());
          }
          for (ServeProcess gateway : List.of(one, two)) {
            assertEquals(1, count(gateway.output(), "rate-limit store unreachable"), gateway.output());
          }

          // A new, empty Redis: full buckets, shared again by both once each has reconnected by itself.
          redis.start();
          awaitOk(viaA);
          awaitOk(viaB);
          Map<Status.Code, Integer> after = new TreeMap<>();
          for (int i = 0; i < 2 * BURST; i++) {
            after.merge(call(i % 2 == 0 ? viaA : viaB), 1, Integer::sum);
          }
          int admittedAfter = after.getOrDefault(Status.Code.OK, 0) + 2;
          assertTrue(admittedAfter <= BURST + 5, after.toString());
          assertTrue(after.getOrDefault(Status.Code.RESOURCE_EXHAUSTED, 0) > 0, after.toString());
          for (ServeProcess gateway : List.of(one, two)) {
            assertTrue(gateway.output().contains("rate-limit store answers again"), gateway.output());
          }
        } finally {
          a.shutdownNow();
          b.shutdownNow();
        }
      }
    }
  }

  private static Status.Code call(GreeterGrpc.GreeterBlockingStub stub) {
    try {
      stub.withDeadlineAfter(10, TimeUnit.SECONDS).sayHello(HelloRequest.newBuilder().setName("r").build());
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  private static StatusRuntimeException expectFailure(GreeterGrpc.GreeterBlockingStub stub) {
    try {
      stub.withDeadlineAfter(10, TimeUnit.SECONDS).sayHello(HelloRequest.newBuilder().setName("r").build());
    } catch (StatusRuntimeException e) {
      return e;
    }
    throw new AssertionError("the call succeeded while Redis was down");
  }

  private static void awaitOk(GreeterGrpc.GreeterBlockingStub stub) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (call(stub) != Status.Code.OK) {
      if (System.nanoTime() > until) {
        throw new AssertionError("the gateway did not use Redis again within 20 s");
      }
      Thread.sleep(100);
    }
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
