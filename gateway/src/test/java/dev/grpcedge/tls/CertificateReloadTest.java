package dev.grpcedge.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.LogCapture;
import dev.grpcedge.testing.StreamRecorder;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.TestPki;
import dev.grpcedge.testing.TlsProbe;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gateway serves rotated certificates to new connections within the reload interval, with no failed call and
 * no dropped stream, and refuses broken material while the old certificate keeps serving.
 */
class CertificateReloadTest {
  static final Duration INTERVAL = Duration.ofMillis(300);
  // The poll runs every INTERVAL; the margin covers a busy shared CI machine, not a second poll.
  static final Duration SEEN_WITHIN = INTERVAL.plusMillis(1500);

  @TempDir static Path dir;
  static TestPki pki = TestPki.create("reload test CA");
  static TestGateway gateway;
  static String token;
  LogCapture reloaderLog;

  @BeforeAll
  static void start() {
    gateway = TestGateway.in(dir).pki(pki).tls("  reload_interval: " + INTERVAL.toMillis() + "ms\n").start();
    token = gateway.token("greet");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @BeforeEach
  void captureLog() {
    reloaderLog = LogCapture.of(CertificateReloader.class);
  }

  @AfterEach
  void releaseLog() {
    reloaderLog.close();
  }

  @Test
  void tenRotationsUnderLoadFailNoCallAndNewConnectionsSeeEachSerialWithinTheInterval() throws Exception {
    Map<String, Long> firstSeen = new ConcurrentHashMap<>();
    AtomicInteger calls = new AtomicInteger();
    AtomicInteger failures = new AtomicInteger();
    AtomicReference<Throwable> firstFailure = new AtomicReference<>();
    Thread client = new Thread(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          String serial = TlsProbe.callAndSerial(gateway.target(), gateway.caFile(), token);
          firstSeen.putIfAbsent(serial, System.nanoTime());
          calls.incrementAndGet();
        } catch (RuntimeException | AssertionError e) {
          if (Thread.currentThread().isInterrupted()) {
            return;
          }
          failures.incrementAndGet();
          firstFailure.compareAndSet(null, e);
        }
      }
    }, "rotation-client");
    client.start();
    long began = System.nanoTime();
    try {
      for (int i = 0; i < 10; i++) {
        TestPki.Issued next = pki.issueServer();
        String serial = next.certificate().getSerialNumber().toString(16);
        long swapped = System.nanoTime();
        install(next.write(tempDir(), "next"));
        long seenAt = awaitSeen(firstSeen, serial);
        long millis = TimeUnit.NANOSECONDS.toMillis(seenAt - swapped);
        assertTrue(millis <= SEEN_WITHIN.toMillis(), "rotation " + (i + 1) + ": serial " + serial + " seen after "
            + millis + "ms, more than " + SEEN_WITHIN.toMillis() + "ms");
        assertEquals(serial, gateway.server().tls().serial());
      }
    } finally {
      client.interrupt();
      client.join(10_000);
    }
    double seconds = (System.nanoTime() - began) / 1e9;
    assertEquals(0, failures.get(), "failed calls during rotation; first: " + firstFailure.get());
    assertTrue(calls.get() / seconds >= 5, calls.get() + " calls in " + seconds + "s: the client was not busy");
    assertEquals(10, reloaderLog.lines().stream().filter(l -> l.startsWith("INFO TLS reloaded")).count(),
        String.valueOf(reloaderLog.lines()));
  }

  @Test
  void establishedBidiStreamSurvivesARotation() throws Exception {
    StreamRecorder<HelloReply> replies = new StreamRecorder<>();
    StreamObserver<HelloRequest> requests = gateway.asyncStub(token).bidiHello(replies);
    requests.onNext(HelloRequest.newBuilder().setName("before").build());
    replies.awaitCount(1);

    rotateAndAwait(pki.issueServer());

    requests.onNext(HelloRequest.newBuilder().setName("after").build());
    requests.onCompleted();
    assertEquals(List.of("Hello, before!", "Hello, after!"), replies.awaitMessages());
  }

  @Test
  void mismatchedKeyIsRefusedAndTheOldCertificateKeepsServing() throws Exception {
    TestPki.Issued issued = pki.issueServer();
    Path[] files = issued.write(tempDir(), "mismatch");
    TestPki.writePem(files[1], List.of(TestPki.ecKeys().getPrivate()));
    assertRefused(files, "does not match");
  }

  @Test
  void truncatedCertificateIsRefusedAndTheOldCertificateKeepsServing() throws Exception {
    Path[] files = pki.issueServer().write(tempDir(), "truncated");
    String pem = Files.readString(files[0]);
    Files.writeString(files[0], pem.substring(0, pem.length() / 2));
    assertRefused(files, "server.pem");
  }

  @Test
  void expiredCertificateIsRefusedAndTheOldCertificateKeepsServing() throws Exception {
    Instant now = Instant.now();
    Path[] files = pki.issueServer(TestPki.ecKeys(), now.minus(Duration.ofDays(30)), now.minus(Duration.ofDays(1)))
        .write(tempDir(), "expired");
    assertRefused(files, "certificate expired");
  }

  @Test
  void incompleteChainIsRefusedAndTheOldCertificateKeepsServing() throws Exception {
    TestPki.Issued issued = pki.issueServer();
    Path[] files = issued.write(tempDir(), "gap");
    // Leaf followed by a CA that did not sign it: a client could not build the path.
    TestPki.writePem(files[0], List.of(issued.certificate(), TestPki.create("unrelated CA").caCertificate()));
    assertRefused(files, "chain is incomplete");
  }

  @Test
  void halfWrittenPairIsNeverServedAndTheCompletePairIs() throws Exception {
    String before = TlsProbe.callAndSerial(gateway.target(), gateway.caFile(), token);
    TestPki.Issued next = pki.issueServer();
    Path[] files = next.write(tempDir(), "half");
    move(files[1], dir.resolve("server.key"));
    reloaderLog.await("does not match", 5);
    Thread.sleep(INTERVAL.toMillis() * 2);
    assertEquals(before, TlsProbe.callAndSerial(gateway.target(), gateway.caFile(), token));

    move(files[0], dir.resolve("server.pem"));
    String serial = next.certificate().getSerialNumber().toString(16);
    long swapped = System.nanoTime();
    while (!serial.equals(TlsProbe.callAndSerial(gateway.target(), gateway.caFile(), token))) {
      assertTrue(System.nanoTime() - swapped < SEEN_WITHIN.toNanos(), "complete pair not served in time");
      Thread.sleep(20);
    }
  }

  @Test
  void certificateExpiringSoonIsWarnedAboutAndItsDaysLeftAreExposed() throws Exception {
    Instant now = Instant.now();
    KeyPair keys = TestPki.ecKeys();
    rotateAndAwait(pki.issueServer(keys, now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(3)).plusSeconds(60)));
    assertTrue(reloaderLog.await("3 days left", 5).startsWith("WARN"));
    assertEquals(3, gateway.server().tls().daysLeft());
    rotateAndAwait(pki.issueServer());
    assertTrue(gateway.server().tls().daysLeft() > 300);
  }

  /** Installs {@code files} (cert, key), waits for the refusal to be logged, and checks nothing changed. */
  private void assertRefused(Path[] files, String reason) throws Exception {
    String before = TlsProbe.callAndSerial(gateway.target(), gateway.caFile(), token);
    install(files);
    String line = reloaderLog.await(reason, 5);
    assertTrue(line.startsWith("WARN") && line.contains("still serving certificate serial " + before), line);
    Thread.sleep(INTERVAL.toMillis() * 2);
    assertEquals(before, TlsProbe.callAndSerial(gateway.target(), gateway.caFile(), token));
    assertEquals(before, gateway.server().tls().serial());
    rotateAndAwait(pki.issueServer());
  }

  private static void rotateAndAwait(TestPki.Issued next) throws Exception {
    install(next.write(tempDir(), "next"));
    String serial = next.certificate().getSerialNumber().toString(16);
    long until = System.nanoTime() + SEEN_WITHIN.toNanos();
    while (!serial.equals(TlsProbe.callAndSerial(gateway.target(), gateway.caFile(), token))) {
      assertTrue(System.nanoTime() < until, "serial " + serial + " not served within " + SEEN_WITHIN);
      Thread.sleep(20);
    }
  }

  private static long awaitSeen(Map<String, Long> firstSeen, String serial) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < until) {
      Long at = firstSeen.get(serial);
      if (at != null) {
        return at;
      }
      Thread.sleep(5);
    }
    throw new AssertionError("serial " + serial + " never seen by a new connection");
  }

  /** Renames the new key, then the new certificate, over the served files, as many deploy tools do. */
  private static void install(Path[] files) throws IOException {
    move(files[1], dir.resolve("server.key"));
    move(files[0], dir.resolve("server.pem"));
  }

  private static void move(Path from, Path to) throws IOException {
    Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private static Path tempDir() throws IOException {
    return Files.createTempDirectory(dir, "new");
  }
}
