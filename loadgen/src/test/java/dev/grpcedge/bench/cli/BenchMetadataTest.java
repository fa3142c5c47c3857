package dev.grpcedge.bench.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.testing.ConsoleCapture;
import dev.grpcedge.greeter.GreeterService;
import dev.grpcedge.testing.TestPki;
import dev.grpcedge.tls.ServerCertificate;
import dev.grpcedge.tls.TlsContexts;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code --metadata} on {@code grpc-edge bench} and {@code --a-metadata}/{@code --b-metadata} on {@code bench ab}:
 * over real TLS, servers that count the headers of every call they answer see them on every call of their side,
 * and nothing else; a header that could not be sent as given is refused before any call.
 */
class BenchMetadataTest {
  @TempDir static Path dir;
  static Path ca;
  static ScheduledExecutorService scheduler;
  static HeaderCountingServer a;
  static HeaderCountingServer b;

  @BeforeAll
  static void start() throws Exception {
    TestPki pki = TestPki.create("bench-metadata-ca");
    ca = pki.writeCa(dir.resolve("ca.pem"));
    Path[] files = pki.issueServer().write(dir, "server");
    var sslContext = TlsContexts.server(ServerCertificate.load(files[0], files[1], Instant.now()), SslProvider.OPENSSL);
    scheduler = Executors.newSingleThreadScheduledExecutor();
    a = new HeaderCountingServer(sslContext);
    b = new HeaderCountingServer(sslContext);
  }

  @AfterAll
  static void stop() {
    a.server.shutdownNow();
    b.server.shutdownNow();
    scheduler.shutdownNow();
  }

  @Test
  void benchSendsEveryMetadataHeaderWithEveryCall() {
    long before = a.calls.sum();
    var run = run("bench", "--target", a.target(), "--ca", ca.toString(), "--json", "--no-progress",
        "--connections", "2", "--concurrency", "4", "--warmup", "0s", "--duration", "1s",
        "--metadata", "x-bench-carry=padding", "--metadata", "X-Second=2");

    assertEquals(0, run.exitCode(), run.err());
    long calls = a.calls.sum() - before;
    assertTrue(calls > 0, "calls reached the server");
    assertEquals(calls, a.count("x-bench-carry", "padding"), "every call carried x-bench-carry");
    assertEquals(calls, a.count("x-second", "2"), "every call carried x-second, named in lower case");
  }

  @Test
  void abSendsEachSidesMetadataToThatSideOnly() {
    long aBefore = a.calls.sum();
    long bBefore = b.calls.sum();
    var run = run("bench", "ab", "--a-target", a.target(), "--b-target", b.target(), "--ca", ca.toString(),
        "--json", "--connections", "2", "--concurrency", "8", "--warmup", "200ms", "--slice", "100ms", "--pairs", "4",
        "--b-metadata", "x-bench-carry=b-side");

    assertEquals(0, run.exitCode(), run.err() + run.out());
    long aCalls = a.calls.sum() - aBefore;
    long bCalls = b.calls.sum() - bBefore;
    assertTrue(aCalls > 0 && bCalls > 0, "both sides were called");
    assertEquals(bCalls, b.count("x-bench-carry", "b-side"), "every B call carried B's header");
    assertEquals(0, a.count("x-bench-carry", "b-side"), "no A call carried it");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Authorization=Bearer x", "grpc-timeout=1S", "user-agent=bench", "content-type=text/plain",
      "x-data-bin=AAAA", "x-accent=caf\u00e9", "bad name=x", "x-tab=a\tb"})
  void headersThatCannotBeSentAsGivenAreUsageErrors(String entry) {
    long before = a.calls.sum();
    var run = run("bench", "--target", a.target(), "--ca", ca.toString(), "--no-progress", "--warmup", "0s",
        "--duration", "1s", "--metadata", entry);

    assertEquals(2, run.exitCode(), run.err());
    String name = entry.substring(0, entry.indexOf('='));
    assertTrue(run.err().startsWith("grpc-edge bench: --metadata " + name + ": "), run.err());
    assertEquals(before, a.calls.sum(), "no call was made");
  }

  @Test
  void aHeaderGivenTwiceIsAUsageError() {
    var run = run("bench", "ab", "--a-target", a.target(), "--b-target", b.target(), "--ca", ca.toString(),
        "--a-metadata", "x-one=1", "--a-metadata", "X-One=2");

    assertEquals(2, run.exitCode(), run.err());
    assertTrue(run.err().contains("--metadata X-One: given twice"), run.err());
  }

  private static ConsoleCapture.Result run(String... args) {
    return ConsoleCapture.run(() -> BenchMain.run(args));
  }

  /** A TLS Greeter that counts its calls and, per header name and value, the calls that carried it. */
  private static final class HeaderCountingServer implements ServerInterceptor {
    final LongAdder calls = new LongAdder();
    final Map<String, LongAdder> seen = new ConcurrentHashMap<>();
    final Server server;

    HeaderCountingServer(io.netty.handler.ssl.SslContext sslContext) throws Exception {
      server = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
          .sslContext(sslContext)
          .addService(ServerInterceptors.intercept(new GreeterService(scheduler), this))
          .build()
          .start();
    }

    String target() {
      return "localhost:" + ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
    }

    /** Calls that carried {@code name: value} (each test sends values of its own). */
    long count(String name, String value) {
      LongAdder count = seen.get(name + ": " + value);
      return count == null ? 0 : count.sum();
    }

    @Override
    public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(
        ServerCall<ReqT, RespT> call, Metadata headers, ServerCallHandler<ReqT, RespT> next) {
      List<String> pairs = new ArrayList<>();
      for (String name : headers.keys()) {
        if (!name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          for (String value : headers.getAll(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER))) {
            pairs.add(name + ": " + value);
          }
        }
      }
      pairs.forEach(pair -> seen.computeIfAbsent(pair, p -> new LongAdder()).increment());
      calls.increment();
      return next.startCall(call, headers);
    }
  }
}
