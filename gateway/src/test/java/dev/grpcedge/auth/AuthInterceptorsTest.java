package dev.grpcedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.config.AuthConfig;
import dev.grpcedge.config.MethodRule;
import io.grpc.CallOptions;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.Context;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.ServerCalls;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The authentication and authorization interceptors in front of a Greeter-shaped service, in process. Each
 * in-process channel is a connection of its own (with its own {@link LastToken}).
 */
class AuthInterceptorsTest {
  private static final MethodDescriptor<String, String> SAY_HELLO = unary("greeter.Greeter/SayHello");
  private static final MethodDescriptor<String, String> SAY_HELLO_AGAIN = unary("greeter.Greeter/SayHelloAgain");

  private static TestIssuer issuer;
  private static Server server;
  // The same interceptors on a server without AuthContext.slots(): the principal goes in a child context instead.
  private static Server withoutSlots;
  private static String withoutSlotsName;
  private static final AtomicReference<Context> serviceContext = new AtomicReference<>();
  private static ManagedChannel channel;
  private static String serverName;
  private static final AtomicReference<Boolean> authorizationSeenByService = new AtomicReference<>();
  private static final AtomicInteger callsStarted = new AtomicInteger();
  private static final AtomicReference<Context> lastCallContext = new AtomicReference<>();
  private static final Offload offload = new Offload();

  @BeforeAll
  static void start(@TempDir Path dir) throws IOException {
    issuer = TestIssuer.create("https://a.example", "grpc-edge");
    AuthConfig config = new AuthConfig(
        List.of(issuer.config(issuer.writeJwks(dir.resolve("jwks.json")))),
        List.of(new MethodRule(List.of("greeter.Greeter/SayHello"), Set.of("greet"), false),
            new MethodRule(List.of("greeter.Greeter/SayHelloAgain"), Set.of(), true)),
        Duration.ofSeconds(60), 8192);
    MethodPolicy policy = MethodPolicy.from(config.rules());
    ServerServiceDefinition greeter = ServerServiceDefinition.builder("greeter.Greeter")
        .addMethod(SAY_HELLO, ServerCalls.asyncUnaryCall(AuthInterceptorsTest::whoAmI))
        .addMethod(SAY_HELLO_AGAIN, ServerCalls.asyncUnaryCall(AuthInterceptorsTest::whoAmI))
        .build();
    String name = InProcessServerBuilder.generateName();
    serverName = name;
    // runs first to last: authentication -> authorization -> what the service sees -> service
    ServerInterceptor serviceSees = new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
          ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        authorizationSeenByService.set(headers.containsKey(BearerTokens.AUTHORIZATION));
        callsStarted.incrementAndGet();
        return next.startCall(call, headers);
      }
    };
    ServerInterceptor arrives = new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
          ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
        lastCallContext.set(Context.current());
        return next.startCall(call, headers);
      }
    };
    var authorization = new AuthorizationInterceptor(policy);
    var authentication =
        new AuthenticationInterceptor(JwtVerifier.create(config), policy, config.maxTokenBytes(), offload);
    server = InProcessServerBuilder.forName(name).directExecutor()
        .addStreamTracerFactory(AuthContext.slots())
        .addTransportFilter(LastToken.filter())
        .addService(ServerInterceptors.intercept(greeter, serviceSees, authorization, authentication, arrives))
        .build().start();
    withoutSlotsName = InProcessServerBuilder.generateName();
    withoutSlots = InProcessServerBuilder.forName(withoutSlotsName).directExecutor()
        .addTransportFilter(LastToken.filter())
        .addService(ServerInterceptors.intercept(greeter, serviceSees, authorization, authentication, arrives))
        .build().start();
    channel = newConnection();
  }

  @AfterAll
  static void stop() {
    channel.shutdownNow();
    server.shutdownNow();
    withoutSlots.shutdownNow();
    offload.pool.shutdownNow();
  }

  private static ManagedChannel newConnection() {
    return InProcessChannelBuilder.forName(serverName).directExecutor().build();
  }

  @Test
  void protectedMethodWithoutTokenIsUnauthenticated() {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(SAY_HELLO, null));

    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    assertEquals("missing bearer token", e.getStatus().getDescription());
  }

  @Test
  void tokenWithoutRequiredScopeIsPermissionDenied() {
    String token = issuer.token().scopes("other").sign();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(SAY_HELLO, token));

    assertEquals(Status.Code.PERMISSION_DENIED, e.getStatus().getCode());
    assertEquals("missing scope: greet", e.getStatus().getDescription());
  }

  @Test
  void tokenWithRequiredScopeReachesServiceWithPrincipalInContext() {
    String reply = call(SAY_HELLO, issuer.token().sub("bob").scopes("greet", "admin").sign());

    assertEquals("bob [admin, greet]", reply);
  }

  @Test
  void verifiedTokenIsRemovedBeforeTheServiceSeesTheHeaders() {
    authorizationSeenByService.set(null);
    assertEquals("bob [greet]", call(SAY_HELLO, issuer.token().sub("bob").scopes("greet").sign()));
    assertEquals(false, authorizationSeenByService.get());

    authorizationSeenByService.set(null);
    assertEquals("carol []", call(SAY_HELLO_AGAIN, issuer.token().sub("carol").scopes().sign()));
    assertEquals(false, authorizationSeenByService.get(), "a public method called with a token");
  }

  @Test
  void publicMethodWithoutTokenIsServedWithoutPrincipal() {
    assertEquals("anonymous", call(SAY_HELLO_AGAIN, null));
  }

  @Test
  void publicMethodWithInvalidTokenIsUnauthenticated() {
    String expired = issuer.token().exp(issuer.clock().instant().minusSeconds(3600)).sign();

    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(SAY_HELLO_AGAIN, expired));

    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    assertEquals("token expired", e.getStatus().getDescription());
  }

  @Test
  void rejectionTrailersDoNotEchoTheAuthorizationHeader() {
    String[] tokens = {issuer.token().scopes("other").sign(), issuer.token().kid("unknown").sign()};
    for (String token : tokens) {
      AtomicReference<Metadata> trailers = new AtomicReference<>();
      var capture = MetadataUtils.newCaptureMetadataInterceptor(new AtomicReference<>(), trailers);

      assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
          ClientInterceptors.intercept(channel, capture, bearer(token)), SAY_HELLO, CallOptions.DEFAULT, "x"));

      assertFalse(trailers.get().containsKey(BearerTokens.AUTHORIZATION));
      for (String key : trailers.get().keys()) {
        if (!key.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          String value = trailers.get().get(Metadata.Key.of(key, Metadata.ASCII_STRING_MARSHALLER));
          assertFalse(value != null && value.contains(token), "trailer " + key + " holds the token");
        }
      }
    }
  }

  @Test
  void onlyATokenWithoutAVerdictAtHandIsVerifiedOnTheOffloadPool() {
    ManagedChannel connection = newConnection();
    ManagedChannel another = newConnection();
    try {
      // Subjects no other test uses, so no token here is in the cache already.
      String alice = issuer.token().sub("offload-alice").scopes("greet").sign();
      String bob = issuer.token().sub("offload-bob").scopes("greet").sign();
      int before = offload.tasks.get();

      assertEquals("anonymous", call(connection, SAY_HELLO_AGAIN, null));
      assertEquals(Status.Code.UNAUTHENTICATED, assertThrows(StatusRuntimeException.class,
          () -> call(connection, SAY_HELLO, "not!a!jwt")).getStatus().getCode());
      assertEquals(before, offload.tasks.get(), "no token, or one refused on sight");

      assertEquals("offload-alice [greet]", call(connection, SAY_HELLO, alice));
      assertEquals(before + 1, offload.tasks.get(), "a token seen for the first time");
      assertEquals("offload-alice [greet]", call(connection, SAY_HELLO, alice));
      assertEquals("offload-alice [greet]", call(another, SAY_HELLO, alice));
      assertEquals(before + 1, offload.tasks.get(), "the connection's last token, then the token cache");

      assertEquals("offload-bob [greet]", call(connection, SAY_HELLO, bob));
      assertEquals(before + 2, offload.tasks.get());
    } finally {
      connection.shutdownNow();
      another.shutdownNow();
    }
  }

  @Test
  void callCancelledWhileItsTokenIsVerifiedIsNeverStarted() throws Exception {
    String token = issuer.token().sub("cancelled-dave").scopes("greet").sign();
    int started = callsStarted.get();
    offload.hold();
    try {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> ClientCalls.blockingUnaryCall(
          ClientInterceptors.intercept(channel, bearer(token)), SAY_HELLO,
          CallOptions.DEFAULT.withDeadlineAfter(200, TimeUnit.MILLISECONDS), "world"));
      assertEquals(Status.Code.DEADLINE_EXCEEDED, e.getStatus().getCode());
      for (int i = 0; i < 100 && !lastCallContext.get().isCancelled(); i++) {
        Thread.sleep(50);
      }
      assertTrue(lastCallContext.get().isCancelled(), "the server saw the call end");
    } finally {
      offload.release();
    }
    offload.awaitIdle();

    assertEquals(started, callsStarted.get(), "the service was started for a call that had already ended");
  }

  @Test
  void newTokenIsRefusedAsUnavailableWhenTheOffloadPoolIsFull() {
    String token = issuer.token().sub("busy-erin").scopes("greet").sign();
    offload.full = true;
    StatusRuntimeException e;
    try {
      e = assertThrows(StatusRuntimeException.class, () -> call(SAY_HELLO, token));
    } finally {
      offload.full = false;
    }

    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertEquals("server busy verifying tokens", e.getStatus().getDescription());
    assertEquals("busy-erin [greet]", call(SAY_HELLO, token), "the same token once the pool has room");
  }

  @Test
  void withPrincipalSlotsTheServiceRunsInTheCallsOwnContext() {
    String erin = issuer.token().sub("slot-erin").scopes("greet").sign();
    for (String path : List.of("verified on the offload pool", "the connection's last token")) {
      assertEquals("slot-erin [greet]", call(SAY_HELLO, erin), path);
      assertSame(lastCallContext.get(), serviceContext.get(), path + ": no context of its own around each callback");
    }
  }

  @Test
  void withoutPrincipalSlotsThePrincipalReachesTheServiceInAChildContext() {
    ManagedChannel connection = InProcessChannelBuilder.forName(withoutSlotsName).directExecutor().build();
    try {
      String frank = issuer.token().sub("noslot-frank").scopes("greet").sign();
      int before = offload.tasks.get();

      assertEquals("noslot-frank [greet]", call(connection, SAY_HELLO, frank), "verified on the offload pool");
      assertEquals(before + 1, offload.tasks.get());
      assertNotSame(lastCallContext.get(), serviceContext.get());
      assertEquals("noslot-frank [greet]", call(connection, SAY_HELLO, frank), "the connection's last token");
      assertEquals(Status.Code.PERMISSION_DENIED, assertThrows(StatusRuntimeException.class,
          () -> call(connection, SAY_HELLO, issuer.token().scopes("other").sign())).getStatus().getCode());
    } finally {
      connection.shutdownNow();
    }
  }

  private static void whoAmI(String request, StreamObserver<String> responses) {
    serviceContext.set(Context.current());
    Principal principal = AuthContext.current();
    responses.onNext(principal == null ? "anonymous" : principal.subject() + " " + new TreeSet<>(principal.scopes()));
    responses.onCompleted();
  }

  private static String call(MethodDescriptor<String, String> method, String token) {
    return call(channel, method, token);
  }

  private static String call(ManagedChannel connection, MethodDescriptor<String, String> method, String token) {
    var target = token == null ? connection : ClientInterceptors.intercept(connection, bearer(token));
    return ClientCalls.blockingUnaryCall(target, method, CallOptions.DEFAULT, "world");
  }

  private static ClientInterceptor bearer(String token) {
    Metadata headers = new Metadata();
    headers.put(BearerTokens.AUTHORIZATION, "Bearer " + token);
    return MetadataUtils.newAttachHeadersInterceptor(headers);
  }

  private static MethodDescriptor<String, String> unary(String fullName) {
    return MethodDescriptor.<String, String>newBuilder()
        .setType(MethodDescriptor.MethodType.UNARY)
        .setFullMethodName(fullName)
        .setRequestMarshaller(Utf8Marshaller.INSTANCE)
        .setResponseMarshaller(Utf8Marshaller.INSTANCE)
        .build();
  }

  /** The offload pool, counting the verifications it is given; {@link #hold} keeps them waiting. */
  private static final class Offload implements Executor {
    final ExecutorService pool = Executors.newCachedThreadPool();
    final AtomicInteger tasks = new AtomicInteger();
    final AtomicInteger finished = new AtomicInteger();
    volatile CountDownLatch gate = new CountDownLatch(0);
    volatile boolean full;

    @Override
    public void execute(Runnable task) {
      if (full) {
        throw new RejectedExecutionException("queue full");
      }
      tasks.incrementAndGet();
      CountDownLatch held = gate;
      pool.execute(() -> {
        try {
          held.await();
          task.run();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        } finally {
          finished.incrementAndGet();
        }
      });
    }

    void hold() {
      gate = new CountDownLatch(1);
    }

    void release() {
      gate.countDown();
    }

    void awaitIdle() throws InterruptedException {
      for (int i = 0; i < 100 && finished.get() < tasks.get(); i++) {
        Thread.sleep(50);
      }
      assertEquals(tasks.get(), finished.get(), "verifications still running");
    }
  }

  /** Plain UTF-8 messages, so the test needs no generated code. */
  private enum Utf8Marshaller implements MethodDescriptor.Marshaller<String> {
    INSTANCE;

    @Override
    public InputStream stream(String value) {
      return new ByteArrayInputStream(value.getBytes(StandardCharsets.UTF_8));
    }

    @Override
    public String parse(InputStream stream) {
      try {
        return new String(stream.readAllBytes(), StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
