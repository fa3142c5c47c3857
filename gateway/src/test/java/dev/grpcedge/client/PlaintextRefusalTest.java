package dev.grpcedge.client;

import static dev.grpcedge.testing.GreeterCalls.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.TestProvider;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bearer credentials from every token source are refused on a plaintext channel: the call fails with
 * UNAUTHENTICATED saying why, the token never reaches the server, and no token is even requested.
 */
class PlaintextRefusalTest {
  @TempDir static Path dir;
  static Server plaintext;
  static TestProvider provider;
  static final AtomicInteger callsSeen = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    provider = TestProvider.start();
    ServerInterceptor recordAnyCall = new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(ServerCall<Q, R> call, Metadata headers,
          ServerCallHandler<Q, R> next) {
        callsSeen.incrementAndGet();
        return next.startCall(call, headers);
      }
    };
    GreeterGrpc.AsyncService greeter = new GreeterGrpc.AsyncService() {
      @Override
      public void sayHello(HelloRequest request, StreamObserver<HelloReply> responses) {
        responses.onNext(HelloReply.newBuilder().setMessage("plaintext hello").build());
        responses.onCompleted();
      }
    };
    plaintext = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(GreeterGrpc.bindService(greeter), recordAnyCall))
        .build().start();
  }

  @AfterAll
  static void stop() {
    plaintext.shutdownNow();
    provider.close();
  }

  static CallCredentials credentials(String source) throws Exception {
    return switch (source) {
      case "fixed" -> BearerCredentials.of("a.b.c");
      case "file" -> BearerCredentials.from(TokenSources.fromFile(Files.writeString(dir.resolve("t"), "a.b.c")));
      case "client-credentials" -> BearerCredentials.from(TokenSources.clientCredentials(
          ClientCredentialsConfig.builder(provider.tokenUrl(), "app", "secret").build()));
      default -> throw new IllegalArgumentException(source);
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"fixed", "file", "client-credentials"})
  void bearerCredentialsAreNotSentOverPlaintext(String source) throws Exception {
    ManagedChannel channel = NettyChannelBuilder.forAddress("127.0.0.1", plaintext.getPort()).usePlaintext().build();
    int tokensBefore = provider.tokensIssued();
    int callsBefore = callsSeen.get();
    try {
      var stub = GreeterGrpc.newBlockingStub(channel).withCallCredentials(credentials(source))
          .withDeadlineAfter(10, TimeUnit.SECONDS);

      var e = assertThrows(StatusRuntimeException.class, () -> stub.sayHello(request("Ann")));

      assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
      assertTrue(e.getStatus().getDescription().startsWith("bearer credentials need a TLS channel"),
          e.getStatus().getDescription());
      assertEquals(callsBefore, callsSeen.get(), "the call never reached the server");
      assertEquals(tokensBefore, provider.tokensIssued(), "no token was requested");
      // The same channel works without credentials: the refusal is about the token, not the server.
      assertEquals("plaintext hello", GreeterGrpc.newBlockingStub(channel).sayHello(request("Ann")).getMessage());
    } finally {
      channel.shutdownNow();
    }
  }
}
