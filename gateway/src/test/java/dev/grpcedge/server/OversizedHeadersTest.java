package dev.grpcedge.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.RawHttp2Client;
import dev.grpcedge.testing.TestGateway;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.MetadataUtils;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Request headers over {@code limits.max_metadata_size}: the call fails, the connection and the server go on. */
class OversizedHeadersTest {
  private static final HelloRequest ALICE = HelloRequest.newBuilder().setName("Alice").build();

  @TempDir static Path dir;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.in(dir).auth("  max_token_size: 1KiB\n").limits("  max_metadata_size: 2KiB\n").start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  @Test
  void headersSlightlyOverTheLimitFailThatStreamWith431AndTheConnectionGoesOn() throws Exception {
    String token = gateway.token("greet");
    try (RawHttp2Client raw = new RawHttp2Client(gateway.port(), gateway.caFile())) {
      // Over 2 KiB, under Netty's GOAWAY threshold of 1.25 x the limit: a stream error.
      RawHttp2Client.Response over = raw.unary("/greeter.Greeter/SayHello", Map.of("x-padding", "p".repeat(2200)), ALICE.toByteArray());
      assertFalse(over.goAway(), "the whole connection was dropped for one bad stream");
      assertEquals("431", String.valueOf(over.headers().status()), over.toString());

      RawHttp2Client.Response fine = raw.unary("/greeter.Greeter/SayHello", Map.of("authorization", "Bearer " + token), ALICE.toByteArray());
      assertEquals("200", String.valueOf(fine.headers().status()), fine.toString());
      assertEquals("0", String.valueOf(fine.headers().get("grpc-status")), fine.toString());
    }
  }

  @Test
  void manyOversizedStreamsLogOneWarningForTheirConnectionWithoutAStackTrace() throws Exception {
    dev.grpcedge.observe.Logging.bridgeJavaUtilLogging();
    try (dev.grpcedge.testing.LogCapture root = dev.grpcedge.testing.LogCapture.of(org.slf4j.Logger.ROOT_LOGGER_NAME)) {
      try (RawHttp2Client raw = new RawHttp2Client(gateway.port(), gateway.caFile())) {
        for (int i = 0; i < 50; i++) {
          RawHttp2Client.Response over = raw.unary("/greeter.Greeter/SayHello",
              Map.of("x-padding", "p".repeat(2200)), ALICE.toByteArray());
          assertEquals("431", String.valueOf(over.headers().status()), over.toString());
        }
      }
      String line = root.await("streams reset by the server for the client's errors", 5);
      assertTrue(line.endsWith("50 streams reset by the server for the client's errors (PROTOCOL_ERROR x50)"), line);
      // That one line, and no other warning (a stack trace would be a line of its own per frame).
      java.util.List<String> warnings = root.lines().stream().filter(l -> l.startsWith("WARN")).toList();
      assertEquals(java.util.List.of(line), warnings);
    }
  }

  @Test
  void headersFarOverTheLimitCloseThatConnectionAndTheServerGoesOn() throws Exception {
    try (RawHttp2Client raw = new RawHttp2Client(gateway.port(), gateway.caFile())) {
      RawHttp2Client.Response abuse = raw.unary("/greeter.Greeter/SayHello", Map.of("x-padding", "p".repeat(8000)), ALICE.toByteArray());
      assertTrue(abuse.goAway(), "expected GOAWAY for a header block four times the limit: " + abuse);
    }
    assertEquals("Hello, Alice!", gateway.blockingStub(gateway.token("greet")).sayHello(ALICE).getMessage());
  }

  @Test
  void wellBehavedClientRefusesToSendAndTheServerGoesOn() {
    Metadata huge = new Metadata();
    huge.put(Metadata.Key.of("x-padding", Metadata.ASCII_STRING_MARSHALLER), "p".repeat(4096));
    var stub = gateway.blockingStub(gateway.token("greet"));
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class,
        () -> stub.withInterceptors(MetadataUtils.newAttachHeadersInterceptor(huge)).sayHello(ALICE));
    // grpc-java's client honours the server's SETTINGS_MAX_HEADER_LIST_SIZE and fails the call locally.
    assertEquals(Status.Code.INTERNAL, e.getStatus().getCode(), e.getStatus().toString());
    assertEquals("Hello, Alice!", stub.sayHello(ALICE).getMessage());
  }
}
