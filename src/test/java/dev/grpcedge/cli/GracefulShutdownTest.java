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
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
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
  ManagedChannel channel;
  final List<String> output = new CopyOnWriteArrayList<>();

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
    process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), "dev.grpcedge.Main",
        "serve", "--config", config.toString(), "--listen", "127.0.0.1:0")
        .redirectErrorStream(true).start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) {
          output.add(line);
          Matcher m = LISTENING.matcher(line);
          if (m.find()) {
            port.complete(Integer.parseInt(m.group(1)));
          }
        }
      } catch (Exception e) {
        port.completeExceptionally(e);
      }
      port.completeExceptionally(new AssertionError("serve exited before listening: " + output));
    });
    reader.setDaemon(true);
    reader.start();
    int p = port.get(60, TimeUnit.SECONDS);
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
    while (output.stream().noneMatch(l -> l.contains("draining")) && System.nanoTime() < until) {
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
    assertTrue(process.waitFor(20, TimeUnit.SECONDS), "serve did not exit: " + output);
    assertEquals(0, process.exitValue(), String.join("\n", output));
  }

  @Test
  void callsStillRunningWhenTheGracePeriodEndsAreCancelledAndServeStillExitsZero() throws Exception {
    TestIssuer issuer = TestIssuer.create(TestGateway.ISSUER, TestGateway.AUDIENCE);
    startServe("1s", issuer);
    StreamRecorder<HelloReply> replies = startStream(issuer, 1000, 100);

    process.destroy();
    Status status = replies.awaitStatus();
    assertEquals(Status.Code.UNAVAILABLE, status.getCode(), status.toString());
    assertTrue(process.waitFor(20, TimeUnit.SECONDS), "serve did not exit: " + output);
    assertEquals(0, process.exitValue(), String.join("\n", output));
    assertTrue(output.stream().anyMatch(l -> l.contains("grace period of PT1S is over")), String.join("\n", output));
  }
}
