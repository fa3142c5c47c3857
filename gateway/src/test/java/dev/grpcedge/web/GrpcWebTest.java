package dev.grpcedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.observe.AccessLogInterceptor;
import dev.grpcedge.testing.LogCapture;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.WebClient;
import dev.grpcedge.testing.WebClient.Frame;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * gRPC-Web on the web listener, byte for byte, over HTTP/2 and HTTP/1.1: calls reach the Greeter through the
 * gateway's own chain (token, scope, access line), and every answer is framed as grpc/grpc PROTOCOL-WEB says.
 */
class GrpcWebTest {
  private static final String BINARY = "application/grpc-web+proto";

  @TempDir static Path dir;
  static TestGateway gateway;
  static String token;

  @BeforeAll
  static void start() {
    gateway = TestGateway.in(dir).web("  cors:\n    allowed_origins: [https://app.example]\n").start();
    token = gateway.token("greet");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static WebClient client(HttpClient.Version version) throws Exception {
    return new WebClient(gateway.webPort(), gateway.caFile(), version);
  }

  private static byte[] hello(String name) {
    return WebClient.frame(HelloRequest.newBuilder().setName(name).build().toByteArray());
  }

  private static Map<String, String> call(String contentType, String bearer) {
    return bearer == null ? Map.of("content-type", contentType, "x-grpc-web", "1")
        : Map.of("content-type", contentType, "x-grpc-web", "1", "authorization", "Bearer " + bearer);
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_2", "HTTP_1_1"})
  void unaryCallGreetsWithAMessageFrameThenTrailers(HttpClient.Version version) throws Exception {
    HttpResponse<byte[]> r = client(version).post("/greeter.Greeter/SayHello", call(BINARY, token), hello("Ann"));
    assertEquals(version, r.version());
    assertEquals(200, r.statusCode());
    assertEquals(BINARY, r.headers().firstValue("content-type").orElse(""));
    List<Frame> frames = WebClient.frames(r.body());
    assertEquals(2, frames.size(), frames.toString());
    assertEquals(0, frames.get(0).flags());
    assertEquals("Hello, Ann!", HelloReply.parseFrom(frames.get(0).payload()).getMessage());
    assertEquals(0x80, frames.get(1).flags());
    assertEquals("grpc-status: 0\r\n", frames.get(1).text());
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_2", "HTTP_1_1"})
  void serverStreamIsAFrameAReply(HttpClient.Version version) throws Exception {
    byte[] three = WebClient.frame(HelloRequest.newBuilder().setName("Bo").setCount(3).build().toByteArray());
    List<Frame> frames = WebClient.frames(client(version).post("/greeter.Greeter/LotsOfReplies",
        call("application/grpc-web", token), three).body());
    assertEquals(4, frames.size());
    assertEquals("Hello, Bo! (3 of 3)", HelloReply.parseFrom(frames.get(2).payload()).getMessage());
    assertEquals("grpc-status: 0\r\n", frames.get(3).text());
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_2", "HTTP_1_1"})
  void noTokenIsATrailersOnlyUnauthenticated(HttpClient.Version version) throws Exception {
    HttpResponse<byte[]> r = client(version).post("/greeter.Greeter/SayHello", call(BINARY, null), hello("Ann"));
    assertEquals(200, r.statusCode());
    assertEquals("16", r.headers().firstValue("grpc-status").orElse(""));
    assertEquals("missing bearer token", r.headers().firstValue("grpc-message").orElse(""));
    assertEquals(0, r.body().length);
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_2", "HTTP_1_1"})
  void tokenWithoutTheScopeIsPermissionDenied(HttpClient.Version version) throws Exception {
    HttpResponse<byte[]> r = client(version).post("/greeter.Greeter/SayHello", call(BINARY, gateway.token("read")),
        hello("Ann"));
    assertEquals("7", r.headers().firstValue("grpc-status").orElse(""));
    assertEquals("missing scope: greet", r.headers().firstValue("grpc-message").orElse(""));
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_2", "HTTP_1_1"})
  void textModeTakesPaddingAnywhereAndAnswersEachFrameWhole(HttpClient.Version version) throws Exception {
    byte[] frame = hello("Cy");
    java.util.Base64.Encoder b64 = java.util.Base64.getEncoder();
    // Two chunks encoded apart: the first ends in padding in the middle of the body.
    String body = b64.encodeToString(java.util.Arrays.copyOfRange(frame, 0, 4))
        + b64.encodeToString(java.util.Arrays.copyOfRange(frame, 4, frame.length));
    assertTrue(body.indexOf('=') < body.length() - 2, body);
    HttpResponse<byte[]> r = client(version).post("/greeter.Greeter/SayHello",
        call("application/grpc-web-text", token), body.getBytes());
    assertEquals("application/grpc-web-text+proto", r.headers().firstValue("content-type").orElse(""));
    // The answer is base64 frame by frame (message, then trailers), so it decodes as padded chunks too.
    io.netty.buffer.ByteBuf decoded = Frames.decodeText(io.netty.buffer.Unpooled.wrappedBuffer(r.body()));
    byte[] bytes = new byte[decoded.readableBytes()];
    decoded.readBytes(bytes).release();
    List<Frame> frames = WebClient.frames(bytes);
    assertEquals(2, frames.size());
    assertEquals("Hello, Cy!", HelloReply.parseFrom(frames.get(0).payload()).getMessage());
    assertEquals("grpc-status: 0\r\n", frames.get(1).text());
    // Each frame was encoded whole: the first one's base64 ends where the second one's begins.
    String messageFrame = b64.encodeToString(WebClient.frame(frames.get(0).payload()));
    assertTrue(new String(r.body()).startsWith(messageFrame), new String(r.body()));
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_2", "HTTP_1_1"})
  void accessLineNamesTheBrowserTheProtocolAndTheOrigin(HttpClient.Version version) throws Exception {
    try (LogCapture access = LogCapture.of(AccessLogInterceptor.LOGGER)) {
      var headers = new java.util.HashMap<>(call(BINARY, token));
      headers.put("origin", "https://app.example");
      // A forged bridge id must not name another caller: the bridge drops it and sets its own.
      headers.put("grpc-edge-bridge-id", "forged");
      HttpResponse<byte[]> r = client(version).post("/greeter.Greeter/SayHelloAgain", headers, hello("Di"));
      assertEquals("Hello again, Di!", HelloReply.parseFrom(WebClient.frames(r.body()).get(0).payload())
          .getMessage());
      String line = access.await("method=greeter.Greeter/SayHelloAgain", 5);
      assertTrue(line.matches("INFO peer=/127\\.0\\.0\\.1:\\d+ method=greeter\\.Greeter/SayHelloAgain sub=alice"
          + " status=OK duration_ms=\\d+\\.\\d\\d in=1 out=1 trace_id=[0-9a-f]{32} span_id=[0-9a-f]{16} protocol=grpc-web origin=https://app\\.example"), line);
      assertFalse(line.contains(token.split("\\.")[2]), line);
    }
  }
}
