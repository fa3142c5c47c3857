package dev.grpcedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.observe.Logging;
import dev.grpcedge.testing.LogCapture;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.tls.TlsContexts;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A caller that goes away is ordinary traffic: it gets an access line, never a server WARN with a stack trace. */
class CallerCancelLoggingTest {
  @TempDir Path dir;

  @Test
  void callerDroppingItsConnectionUnderPendingRepliesLogsNoWarning() throws Exception {
    Logging.bridgeJavaUtilLogging();
    try (TestGateway gateway = TestGateway.in(dir).start();
        LogCapture root = LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME);
        LogCapture access = LogCapture.of(dev.grpcedge.observe.AccessLogInterceptor.LOGGER)) {
      String token = gateway.token("greet");
      // 1,000 replies of some 270 bytes against a 16 KiB window that the caller never opens: the server's writes
      // wait in its flow controller when the connection goes.
      HelloRequest big = HelloRequest.newBuilder().setName("x".repeat(256)).setCount(1000).build();
      for (int i = 0; i < 3; i++) {
        ManagedChannel channel = NettyChannelBuilder.forTarget(gateway.target())
            .sslContext(TlsContexts.client(gateway.caFile().toFile())).flowControlWindow(16 * 1024).build();
        CountDownLatch first = new CountDownLatch(1);
        GreeterGrpc.newStub(channel).withCallCredentials(BearerCredentials.of(token))
            .lotsOfReplies(big, new ClientResponseObserver<HelloRequest, HelloReply>() {
              @Override
              public void beforeStart(ClientCallStreamObserver<HelloRequest> call) {
                call.disableAutoRequestWithInitial(1);
              }

              @Override
              public void onNext(HelloReply reply) {
                first.countDown();
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            });
        assertTrue(first.await(10, TimeUnit.SECONDS));
        Thread.sleep(100);
        channel.shutdownNow();
      }
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (access.lines().stream().filter(l -> l.contains("LotsOfReplies")).count() < 3
          && System.nanoTime() < until) {
        Thread.sleep(20);
      }
      assertEquals(3, access.lines().stream().filter(l -> l.contains("LotsOfReplies status=CANCELLED")
          || l.contains("LotsOfReplies") && l.contains("status=CANCELLED")).count(), access.lines().toString());
      Thread.sleep(200);
      List<String> warnings = root.lines().stream().filter(l -> l.startsWith("WARN") || l.startsWith("ERROR"))
          .toList();
      assertEquals(List.of(), warnings);
    }
  }
}
