package dev.grpcedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.auth.JwksServer;
import dev.grpcedge.auth.TestIssuer;
import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.TestGateway;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A flood of tokens the gateway has not seen, while their issuer's keys are slow to come: at most 1,024
 * verifications wait (beyond one per offload thread), the calls past that are refused at once as UNAVAILABLE, and
 * every waiting call completes once the keys arrive; the gateway answers new calls afterwards.
 */
class VerificationFloodTest {
  static final int CALLS = 1_200;
  /** The gateway's offload pool: its threads, and the verifications that may wait for one. */
  static final int POOL_THREADS = Math.max(4, 2 * Runtime.getRuntime().availableProcessors());
  static final int WAITING = 1_024;

  @Test
  void pastTheWaitingLimitNewTokensAreUnavailableAndEveryWaitingCallCompletes(@TempDir Path dir) throws Exception {
    TestIssuer issuer = TestIssuer.create("placeholder", TestGateway.AUDIENCE);
    try (JwksServer slow = JwksServer.start("/flood").down(true);
        TestGateway gateway = TestGateway.in(dir).limits("  max_concurrent_streams: 2000\n")
            .extraIssuers(slow.issuerYaml("{ http_timeout: 10s, min_refetch_interval: 1s }")).start()) {
      // The warm-up at start failed; the first verification fetches the keys, which take 4 s to come.
      slow.serve(issuer.publicJwks()).down(false).delay(Duration.ofSeconds(4));
      Thread.sleep(1100); // past min_refetch_interval since the failed warm-up
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < CALLS; i++) {
        tokens.add(issuer.token().iss(slow.issuer()).sub("caller-" + i).scopes("greet").sign());
      }
      ManagedChannel channel = gateway.channel();
      List<CompletableFuture<Status>> calls = new ArrayList<>();
      for (String token : tokens) {
        calls.add(sayHello(channel, token));
      }
      Map<String, Integer> outcomes = new TreeMap<>();
      for (CompletableFuture<Status> call : calls) {
        Status status = call.get(30, TimeUnit.SECONDS);
        outcomes.merge(status.getCode() + (status.getDescription() == null ? "" : ": " + status.getDescription()), 1,
            Integer::sum);
      }

      int ok = outcomes.getOrDefault("OK", 0);
      int busy = outcomes.getOrDefault("UNAVAILABLE: server busy verifying tokens", 0);
      assertEquals(CALLS, ok + busy, outcomes.toString());
      assertTrue(busy > 0, "some calls were past the limit: " + outcomes);
      assertTrue(ok >= POOL_THREADS + WAITING, "every call that waited completed: " + outcomes);
      // Room again, and the keys are cached: a new token is verified at once.
      String after = issuer.token().iss(slow.issuer()).sub("after-the-flood").scopes("greet").sign();
      assertEquals(Status.OK, sayHello(channel, after).get(10, TimeUnit.SECONDS));
    }
  }

  private static CompletableFuture<Status> sayHello(ManagedChannel channel, String token) {
    CompletableFuture<Status> done = new CompletableFuture<>();
    GreeterGrpc.newStub(channel).withCallCredentials(BearerCredentials.of(token))
        .withDeadlineAfter(30, TimeUnit.SECONDS)
        .sayHello(HelloRequest.newBuilder().setName("flood").build(), new StreamObserver<>() {
          @Override
          public void onNext(HelloReply reply) {}

          @Override
          public void onError(Throwable t) {
            done.complete(Status.fromThrowable(t));
          }

          @Override
          public void onCompleted() {
            done.complete(Status.OK);
          }
        });
    return done;
  }
}
