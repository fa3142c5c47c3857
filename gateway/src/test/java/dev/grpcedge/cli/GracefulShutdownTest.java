package dev.grpcedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.auth.TestIssuer;
import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.client.Channels;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.ServeProcess;
import dev.grpcedge.testing.StreamRecorder;
import dev.grpcedge.testing.TestGateway;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM on a real {@code grpc-edge serve} process: in-flight calls finish, new ones are refused, exit 0. */
class GracefulShutdownTest {
  @TempDir Path dir;
  ServeProcess serve;
  ManagedChannel channel;

  @AfterEach
  void cleanUp() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (serve != null) {
      serve.close();
    }
  }

  private int startServe(String grace, TestIssuer issuer) throws Exception {
    Path config = TestGateway.in(dir).shutdownGrace(grace).writeConfig(issuer);
    // The file names an address this host cannot bind; only GRPC_EDGE_LISTEN winning lets serve start.
    Files.writeString(config, Files.readString(config).replace("listen: 127.0.0.1:0", "listen: 192.0.2.1:9"));
    serve = ServeProcess.start(config, List.of(), Map.of("GRPC_EDGE_LISTEN", "127.0.0.1:0"));
    int port = serve.awaitListening();
    channel = Channels.tls("localhost:" + port, dir.resolve("ca.pem"));
    return port;
  }

  private StreamRecorder<HelloReply> startStream(TestIssuer issuer, int count, int intervalMillis) throws Exception {
    StreamRecorder<HelloReply> replies = new StreamRecorder<>();
    GreeterGrpc.newStub(channel).withCallCredentials(BearerCredentials.of(issuer.token().sign()))
        .lotsOfReplies(HelloRequest.newBuilder().setName("Drain").setCount(count).setIntervalMillis(intervalMillis).build(), replies);
    replies.awaitCount(1);
    return replies;
  }

  @Test
  void sigtermLetsInFlightCallsFinishRefusesNewOnesAndExitsZero() throws Exception {
    TestIssuer issuer = TestIssuer.create(TestGateway.ISSUER, TestGateway.AUDIENCE);
    int port = startServe("20s", issuer);
    StreamRecorder<HelloReply> replies = startStream(issuer, 6, 300);

    serve.process().destroy(); // SIGTERM
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!serve.output().contains("draining") && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    ManagedChannel late = Channels.tls("localhost:" + port, dir.resolve("ca.pem"));
    try {
      StreamRecorder<HelloReply> refused = new StreamRecorder<>();
      GreeterGrpc.newStub(late).withCallCredentials(BearerCredentials.of(issuer.token().sign()))
          .withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(HelloRequest.newBuilder().setName("Late").build(), refused);
      assertEquals(Status.Code.UNAVAILABLE, refused.awaitStatus().getCode(), "a call after SIGTERM was not refused");
    } finally {
      late.shutdownNow();
    }

    assertEquals(6, replies.awaitMessages().size(), "the in-flight stream did not finish");
    assertEquals(0, serve.awaitExit(), serve.output());
    // Access lines are written in batches: the drained call's line still reaches stderr, whole, before exit.
    assertEquals(1, serve.output().lines().filter(line -> line.matches(".* INFO  access - peer=/127\\.0\\.0\\.1:\\d+ "
        + "method=greeter\\.Greeter/LotsOfReplies sub=\\S+ status=OK duration_ms=[\\d.]+ in=1 out=6 trace_id=[0-9a-f]{32} span_id=[0-9a-f]{16}")).count(),
        serve.output());
  }

  @Test
  void callsStillRunningWhenTheGracePeriodEndsAreCancelledAndServeStillExitsZero() throws Exception {
    TestIssuer issuer = TestIssuer.create(TestGateway.ISSUER, TestGateway.AUDIENCE);
    startServe("1s", issuer);
    StreamRecorder<HelloReply> replies = startStream(issuer, 1000, 100);

    serve.process().destroy();
    Status status = replies.awaitStatus();
    // Cut off by the server when the grace period ends: CANCELLED (RST_STREAM) or UNAVAILABLE (GOAWAY), by timing.
    assertTrue(status.getCode() == Status.Code.CANCELLED || status.getCode() == Status.Code.UNAVAILABLE, status.toString());
    assertEquals(0, serve.awaitExit(), serve.output());
    assertTrue(serve.output().contains("grace period of 1s is over"), serve.output());
  }
}
