package dev.grpcedge.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.auth.TestIssuer;
import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.client.Channels;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.StreamRecorder;
import dev.grpcedge.testing.TestGateway;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM on a real {@code grpc-edge serve} process: in-flight calls finish, new ones are refused, exit 0. */
class GracefulShutdownTest {
  private static final Pattern LISTENING = Pattern.compile("listening on /127\\.0\\.0\\.1:(\\d+)");

  @TempDir Path dir;
  Process process;
  Path logFile;
  ManagedChannel channel;

  /** What the serve process has printed so far. */
  private String output() throws java.io.IOException {
    return Files.exists(logFile) ? Files.readString(logFile) : "";
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (channel != null) {
      channel.shutdownNow();
    }
    if (process != null && process.isAlive()) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  private int startServe(String grace, TestIssuer issuer) throws Exception {
    Path config = TestGateway.in(dir).shutdownGrace(grace).writeConfig(issuer);
    Files.writeString(config, Files.readString(config).replace("listen: 127.0.0.1:0", "listen: 192.0.2.1:9"));
    Path log = dir.resolve("serve.log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.grpcedge.Main",
        "serve", "--config", config.toString())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    // The file names an address this host cannot bind; only GRPC_EDGE_LISTEN winning lets serve start.
    builder.environment().put("GRPC_EDGE_LISTEN", "127.0.0.1:0");
    process = builder.start();
    logFile = log;
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    int p = -1;
    while (p < 0) {
      Matcher m = LISTENING.matcher(output());
      if (m.find()) {
        p = Integer.parseInt(m.group(1));
      } else if (!process.isAlive() || System.nanoTime() > until) {
        throw new AssertionError("serve did not start: " + output());
      } else {
        Thread.sleep(20);
      }
    }
    channel = Channels.tls("localhost:" + p, dir.resolve("ca.pem"));
    return p;
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

    process.destroy(); // SIGTERM
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!output().contains("draining") && System.nanoTime() < until) {
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
    assertTrue(process.waitFor(20, TimeUnit.SECONDS), "serve did not exit: " + output());
    assertEquals(0, process.exitValue(), output());
  }

  @Test
  void callsStillRunningWhenTheGracePeriodEndsAreCancelledAndServeStillExitsZero() throws Exception {
    TestIssuer issuer = TestIssuer.create(TestGateway.ISSUER, TestGateway.AUDIENCE);
    startServe("1s", issuer);
    StreamRecorder<HelloReply> replies = startStream(issuer, 1000, 100);

    process.destroy();
    Status status = replies.awaitStatus();
    // Cut off by the server when the grace period ends: CANCELLED (RST_STREAM) or UNAVAILABLE (GOAWAY), by timing.
    assertTrue(status.getCode() == Status.Code.CANCELLED || status.getCode() == Status.Code.UNAVAILABLE, status.toString());
    assertTrue(process.waitFor(20, TimeUnit.SECONDS), "serve did not exit: " + output());
    assertEquals(0, process.exitValue(), output());
    assertTrue(output().contains("grace period of PT1S is over"), output());
  }
}
