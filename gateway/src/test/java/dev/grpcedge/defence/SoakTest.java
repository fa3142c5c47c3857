package dev.grpcedge.defence;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.grpcedge.auth.TestIssuer;
import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.client.Channels;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.RawHttp2Client;
import dev.grpcedge.testing.ServeProcess;
import dev.grpcedge.testing.StreamRecorder;
import dev.grpcedge.testing.TestGateway;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * The soak ({@code scripts/soak}, not in CI): a gateway process with its default defences under legitimate load
 * (unary calls and bidi streams) mixed with every attack, over and over, for {@code -Dsoak.duration} (for example
 * 10m). Reports the gateway's heap after a full GC at the start and the end, the calls and their failures, and the
 * attacking connections cut, to {@code gateway/target/soak-report.md}; fails if a legitimate call failed.
 */
@EnabledIfSystemProperty(named = "soak.duration", matches = "\\d+[smh]")
class SoakTest {
  private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

  @TempDir Path dir;

  @Test
  void legitimateCallsAllSucceedUnderEveryAttackAndTheHeapStaysFlat() throws Exception {
    Duration duration = dev.grpcedge.config.Durations.parse(System.getProperty("soak.duration"));
    TestIssuer issuer = TestIssuer.create(TestGateway.ISSUER, TestGateway.AUDIENCE);
    Path config = TestGateway.in(dir).writeConfig(issuer);
    try (ServeProcess gateway = ServeProcess.start(config, List.of("-Xmx512m"), Map.of())) {
      int port = gateway.awaitListening();
      Path ca = dir.resolve("ca.pem");
      long pid = gateway.process().pid();
      long heapStart = heapAfterGc(pid);
      AtomicBoolean stop = new AtomicBoolean();
      AtomicLong unaryOk = new AtomicLong();
      AtomicLong streamMessages = new AtomicLong();
      AtomicLong failed = new AtomicLong();
      List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
      Map<String, AtomicLong[]> attacks = new LinkedHashMap<>();
      List<Thread> threads = new ArrayList<>();
      List<ManagedChannel> channels = new ArrayList<>();
      // Two subjects, so each stays under the default per-caller limits.
      for (String sub : List.of("soak-1", "soak-2")) {
        ManagedChannel channel = Channels.tls("localhost:" + port, ca);
        channels.add(channel);
        var token = BearerCredentials.of(issuer.token().sub(sub).scopes("greet")
            .exp(java.time.Instant.now().plus(duration).plusSeconds(600)).sign());
        var blocking = GreeterGrpc.newBlockingStub(channel).withCallCredentials(token);
        var async = GreeterGrpc.newStub(channel).withCallCredentials(token);
        threads.add(loop(stop, () -> {
          try {
            blocking.withDeadlineAfter(10, TimeUnit.SECONDS).sayHello(HelloRequest.newBuilder().setName("s").build());
            unaryOk.incrementAndGet();
            Thread.sleep(2);
          } catch (RuntimeException e) {
            failed.incrementAndGet();
            failures.add("unary: " + e);
          }
        }));
        threads.add(loop(stop, () -> {
          StreamRecorder<HelloReply> replies = new StreamRecorder<>();
          StreamObserver<HelloRequest> requests = async.withDeadlineAfter(30, TimeUnit.SECONDS).bidiHello(replies);
          for (int i = 0; i < 100; i++) {
            requests.onNext(HelloRequest.newBuilder().setName("b" + i).build());
          }
          requests.onCompleted();
          io.grpc.Status status = replies.awaitStatus();
          if (status.isOk() && replies.count() == 100) {
            streamMessages.addAndGet(100);
          } else {
            failed.incrementAndGet();
            failures.add("bidi: " + status + " after " + replies.count());
          }
        }));
      }
      attack(threads, attacks, stop, "rapid reset", port, ca, a -> {
        a.reset(a.openStream("/greeter.Greeter/SayHello", Map.of()), RawHttp2Client.CANCEL);
      });
      attack(threads, attacks, stop, "MadeYouReset (WINDOW_UPDATE 0)", port, ca, a -> {
        a.windowUpdate(a.openStream("/greeter.Greeter/BidiHello", Map.of()), 0);
      });
      attack(threads, attacks, stop, "empty DATA frames", port, ca, a -> {
        a.emptyData(a.openStream("/greeter.Greeter/BidiHello", Map.of()));
      });
      attack(threads, attacks, stop, "CONTINUATION flood", port, ca, a -> a.headersInPieces("/greeter.Greeter/SayHello",
          1000));
      attack(threads, attacks, stop, "SETTINGS flood", port, ca, RawHttp2Client::settings);
      attack(threads, attacks, stop, "PING flood", port, ca, RawHttp2Client::ping);
      AtomicLong[] refusedConnections = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
      attacks.put("connection flood (past limits.connections.per_ip)", refusedConnections);
      threads.add(loop(stop, () -> {
        List<RawHttp2Client> held = new ArrayList<>();
        try {
          for (int i = 0; i < 150; i++) {
            refusedConnections[0].incrementAndGet();
            try {
              held.add(new RawHttp2Client(port, ca));
            } catch (IOException e) {
              refusedConnections[2].incrementAndGet();
            }
          }
          Thread.sleep(500);
        } finally {
          for (RawHttp2Client c : held) {
            c.close();
          }
        }
        Thread.sleep(2000);
      }));
      threads.forEach(Thread::start);
      Thread.sleep(duration.toMillis());
      stop.set(true);
      for (Thread t : threads) {
        t.join(60_000);
      }
      long heapEnd = heapAfterGc(pid);
      channels.forEach(ManagedChannel::shutdownNow);
      String output = gateway.output();

      StringBuilder report = new StringBuilder();
      report.append("| soak | ").append(dev.grpcedge.config.Durations.format(duration)).append(" |\n|---|---|\n");
      report.append("| legitimate unary calls OK | ").append(unaryOk.get()).append(" |\n");
      report.append("| legitimate bidi messages OK | ").append(streamMessages.get()).append(" |\n");
      report.append("| legitimate calls failed | ").append(failed.get()).append(" |\n");
      attacks.forEach((name, counts) -> report.append("| ").append(name)
          .append(": connections tried, cut by a defence, refused at connect | ").append(counts[0].get()).append(", ")
          .append(counts[1].get()).append(", ").append(counts[2].get()).append(" |\n"));
      report.append("| gateway heap after full GC, start -> end | ").append(heapStart / 1024).append(" MiB -> ")
          .append(heapEnd / 1024).append(" MiB |\n");
      report.append("| gateway WARN lines (defence lines, held back ones counted in them) | ")
          .append(count(output, " WARN ")).append(" |\n");
      report.append("| gateway log lines with a stack trace | ").append(count(output, "\n\tat ")).append(" |\n");
      Files.writeString(Path.of(System.getProperty("basedir", "gateway"), "target", "soak-report.md"), report);
      System.out.println(report);
      assertEquals(0, failed.get(), String.join("\n", failures.subList(0, Math.min(10, failures.size()))));
    }
  }

  private interface Frames {
    void write(RawHttp2Client attacker) throws IOException;
  }

  private interface Body {
    void run() throws Exception;
  }

  private static Thread loop(AtomicBoolean stop, Body body) {
    return new Thread(() -> {
      while (!stop.get()) {
        try {
          body.run();
        } catch (Exception e) {
          if (!stop.get()) {
            throw new IllegalStateException(e);
          }
        }
      }
    });
  }

  /** Opens connection after connection, each writing {@code frames} until the gateway cuts it. */
  private static void attack(List<Thread> threads, Map<String, AtomicLong[]> attacks, AtomicBoolean stop,
      String name, int port, Path ca, Frames frames) {
    AtomicLong[] counts = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
    attacks.put(name, counts);
    threads.add(loop(stop, () -> {
      counts[0].incrementAndGet();
      try (RawHttp2Client attacker = new RawHttp2Client(port, ca)) {
        try {
          for (int i = 0; i < 200_000 && !stop.get(); i++) {
            frames.write(attacker);
            if (i % 50 == 49) {
              attacker.flush();
            }
          }
          attacker.flush();
        } catch (IOException e) {
          // Cut while writing.
        }
        RawHttp2Client.Ending end = attacker.awaitEnd(10);
        if (end.goAwayCode() == RawHttp2Client.ENHANCE_YOUR_CALM || end.goAwayCode() == -1) {
          counts[1].incrementAndGet();
        }
      } catch (IOException e) {
        // Refused at connect: the per-IP limit, while the connection flood holds it.
        counts[2].incrementAndGet();
      }
      Thread.sleep(20);
    }));
  }

  private static long heapAfterGc(long pid) throws Exception {
    Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
    new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.run").redirectErrorStream(true).start().waitFor();
    Process info = new ProcessBuilder(jcmd.toString(), Long.toString(pid), "GC.heap_info").redirectErrorStream(true)
        .start();
    String text = new String(info.getInputStream().readAllBytes());
    info.waitFor();
    Matcher m = HEAP_USED.matcher(text);
    return m.find() ? Long.parseLong(m.group(1)) : -1;
  }

  private static int count(String text, String what) {
    int n = 0;
    for (int i = text.indexOf(what); i >= 0; i = text.indexOf(what, i + 1)) {
      n++;
    }
    return n;
  }
}
