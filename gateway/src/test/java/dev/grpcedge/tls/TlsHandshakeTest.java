package dev.grpcedge.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.TestGateway;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyChannelBuilder;
import io.netty.handler.ssl.OpenSsl;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener speaks TLS 1.2/1.3 with ALPN h2 on BoringSSL, and nothing weaker. */
class TlsHandshakeTest {
  private static final HelloRequest ALICE = HelloRequest.newBuilder().setName("Alice").build();

  @TempDir static Path dir;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.in(dir).start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void boringSslIsTheProvider() {
    assertTrue(OpenSsl.isAvailable(), "netty-tcnative BoringSSL did not load: " + OpenSsl.unavailabilityCause());
    assertTrue(OpenSsl.versionString().contains("BoringSSL"), OpenSsl.versionString());
  }

  @Test
  void plaintextClientFails() throws Exception {
    ManagedChannel plain = NettyChannelBuilder.forTarget(gateway.target()).usePlaintext().build();
    try {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> GreeterGrpc.newBlockingStub(plain).withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(ALICE));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
    } finally {
      plain.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertServerStillServes();
  }

  @Test
  void clientThatDoesNotTrustTheCaFails() throws Exception {
    ManagedChannel untrusting = NettyChannelBuilder.forTarget(gateway.target())
        .sslContext(GrpcSslContexts.forClient().build()).build();
    try {
      StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
          () -> GreeterGrpc.newBlockingStub(untrusting).withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(ALICE));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode(), e.getStatus().toString());
    } finally {
      untrusting.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    assertServerStillServes();
  }

  @Test
  void tls11ClientIsRefused() throws Exception {
    // @SECLEVEL=0 lets OpenSSL 3 offer TLS 1.1 at all; the refusal must come from the gateway.
    SClient result = sClient("-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0");
    assertNotEquals(0, result.exitCode, result.output);
    assertTrue(result.output.contains("alert") || result.output.contains("no protocols available")
        || result.output.contains("wrong version"), result.output);
  }

  @Test
  void tls12ClientNegotiatesH2() throws Exception {
    SClient result = sClient("-tls1_2");
    assertEquals(0, result.exitCode, result.output);
    assertTrue(result.output.contains("ALPN protocol: h2"), result.output);
    assertTrue(result.output.matches("(?s).*Cipher is ECDHE-ECDSA-(AES\\d+-GCM-SHA\\d+|CHACHA20-POLY1305).*"), result.output);
  }

  @Test
  void tls13ClientNegotiatesH2() throws Exception {
    SClient result = sClient("-tls1_3");
    assertEquals(0, result.exitCode, result.output);
    assertTrue(result.output.contains("ALPN protocol: h2"), result.output);
    assertTrue(result.output.contains("TLSv1.3"), result.output);
  }

  @Test
  void cbcSuitesAreNotOfferedOverTls12() throws Exception {
    SClient result = sClient("-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA256:ECDHE-ECDSA-AES128-SHA");
    assertNotEquals(0, result.exitCode, result.output);
  }

  private static void assertServerStillServes() {
    assertEquals("Hello, Alice!", gateway.blockingStub(gateway.token("greet")).sayHello(ALICE).getMessage());
  }

  private record SClient(int exitCode, String output) {}

  /** Runs the openssl command-line client against the gateway: a TLS peer that is not Netty nor the JDK. */
  private static SClient sClient(String... options) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of("openssl", "s_client", "-connect",
        "127.0.0.1:" + gateway.port(), "-servername", "localhost", "-alpn", "h2", "-CAfile",
        gateway.caFile().toString(), "-verify_return_error"));
    command.addAll(List.of(options));
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "openssl s_client hung");
    return new SClient(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
  }
}
