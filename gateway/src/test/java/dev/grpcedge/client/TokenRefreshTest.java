package dev.grpcedge.client;

import static dev.grpcedge.testing.GreeterCalls.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.auth.Credentials;
import com.google.auth.RequestMetadataCallback;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.testing.ProviderGateway;
import dev.grpcedge.testing.StreamRecorder;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Client credentials tokens are refreshed before they expire, in the background while the current one is still
 * used, and concurrent calls share one token request (counted at the provider).
 */
class TokenRefreshTest {
  /** Short-lived tokens with margins scaled down from google-auth's minutes to seconds. */
  static final long LIFETIME_SECONDS = 6;
  static final Duration REFRESH_MARGIN = Duration.ofSeconds(3);
  static final Duration EXPIRATION_MARGIN = Duration.ofSeconds(1);

  @RegisterExtension static final ProviderGateway env = new ProviderGateway();
  static ExecutorService refreshExecutor = Executors.newCachedThreadPool();

  @AfterAll
  static void stop() {
    refreshExecutor.shutdownNow();
  }

  @BeforeEach
  void shortLivedTokens() {
    env.provider().tokenLifetimeSeconds(LIFETIME_SECONDS);
  }

  static Credentials shortLivedSource() {
    return TokenSources.clientCredentials(ClientCredentialsConfig
        .builder(env.provider().tokenUrl(), "batch-job", "secret")
        .margins(REFRESH_MARGIN, EXPIRATION_MARGIN).build());
  }

  /** The header value through the asynchronous path that grpc-auth uses for every call. */
  static String bearer(Credentials source) throws Exception {
    CompletableFuture<Map<String, List<String>>> metadata = new CompletableFuture<>();
    source.getRequestMetadata(URI.create("https://" + env.gateway().target()), refreshExecutor,
        new RequestMetadataCallback() {
          @Override
          public void onSuccess(Map<String, List<String>> headers) {
            metadata.complete(headers);
          }

          @Override
          public void onFailure(Throwable e) {
            metadata.completeExceptionally(e);
          }
        });
    return metadata.get(10, TimeUnit.SECONDS).get("Authorization").get(0);
  }

  @Test
  void staleTokenIsStillSentWhileOneRefreshRunsInTheBackground() throws Exception {
    Credentials source = shortLivedSource();
    int before = env.provider().tokensIssued();
    String first = bearer(source);
    assertEquals(before + 1, env.provider().tokensIssued());

    // Inside the refresh margin, outside the expiration margin: the token still has 2.5 s to live.
    Thread.sleep(LIFETIME_SECONDS * 1000 - REFRESH_MARGIN.toMillis() + 500);
    // Compared as booleans: an assertion message must not print a token.
    assertTrue(first.equals(bearer(source)), "a stale token is still used while the refresh runs");
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (env.provider().tokensIssued() < before + 2 && System.nanoTime() < until) {
      Thread.sleep(20);
    }
    assertEquals(before + 2, env.provider().tokensIssued(), "one background refresh");
    String second = waitForNewToken(source, first);
    assertFalse(first.equals(second), "the refreshed token replaces the stale one");
  }

  @Test
  void longRunOfCallsOutlivesSeveralTokensWithoutAFailure() throws Exception {
    CallCredentials credentials = BearerCredentials.from(shortLivedSource());
    ManagedChannel channel = env.gateway().channel();
    int before = env.provider().tokensIssued();
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2 * LIFETIME_SECONDS);
    int calls = 0;
    while (System.nanoTime() < end) {
      assertEquals("Hello, Ann!", GreeterGrpc.newBlockingStub(channel).withCallCredentials(credentials)
          .withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(request("Ann")).getMessage());
      calls++;
      Thread.sleep(50);
    }
    int issued = env.provider().tokensIssued() - before;
    // 12 s of 6 s tokens refreshed 3 s before expiry: about 5; one per call would be ~200. A loaded machine (the
    // whole suite on 2 cores) stretches the run and adds a refresh or two: 7 was seen in CI.
    assertTrue(issued >= 3 && issued <= 9, issued + " tokens for " + calls + " calls");
  }

  @Test
  void fiftyConcurrentCallsShareOneTokenRequest() throws Exception {
    CallCredentials credentials = BearerCredentials.from(shortLivedSource());
    ManagedChannel channel = env.gateway().channel();

    int before = env.provider().tokensIssued();
    assertAllGreet(fireConcurrently(channel, credentials, 50));
    assertEquals(before + 1, env.provider().tokensIssued(), "no token yet: one request for 50 calls");

    // Into the expiration margin: calls must wait for a fresh token, and still share one request.
    Thread.sleep(LIFETIME_SECONDS * 1000 - EXPIRATION_MARGIN.toMillis() + 300);
    assertAllGreet(fireConcurrently(channel, credentials, 50));
    assertEquals(before + 2, env.provider().tokensIssued(), "token near expiry: one request for 50 calls");
  }

  private static List<StreamRecorder<HelloReply>> fireConcurrently(ManagedChannel channel,
      CallCredentials credentials, int n) {
    var stub = GreeterGrpc.newStub(channel).withCallCredentials(credentials).withDeadlineAfter(10, TimeUnit.SECONDS);
    List<StreamRecorder<HelloReply>> calls = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      StreamRecorder<HelloReply> call = new StreamRecorder<>();
      stub.sayHello(request("Ann"), call);
      calls.add(call);
    }
    return calls;
  }

  private static void assertAllGreet(List<StreamRecorder<HelloReply>> calls) throws Exception {
    for (StreamRecorder<HelloReply> call : calls) {
      assertEquals(List.of("Hello, Ann!"), call.awaitMessages());
    }
  }

  private static String waitForNewToken(Credentials source, String old) throws Exception {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    String current = bearer(source);
    while (current.equals(old) && System.nanoTime() < until) {
      Thread.sleep(20);
      current = bearer(source);
    }
    return current;
  }
}
