package dev.grpcedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.observe.AccessLogInterceptor;
import dev.grpcedge.testing.LogCapture;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.WebClient;
import dev.grpcedge.testing.WebClient.Frame;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The Connect protocol on the web listener: unary (proto and JSON), server streaming, errors with their HTTP status. */
class ConnectTest {
  @TempDir static Path dir;
  static TestGateway gateway;
  static String token;

  @BeforeAll
  static void start() {
    gateway = TestGateway.in(dir).web("").start();
    token = gateway.token("greet");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static WebClient client(HttpClient.Version version) throws Exception {
    return new WebClient(gateway.webPort(), gateway.caFile(), version);
  }

  private static Map<String, String> headers(String contentType, String bearer) {
    Map<String, String> h = new HashMap<>(Map.of("content-type", contentType, "connect-protocol-version", "1"));
    if (bearer != null) {
      h.put("authorization", "Bearer " + bearer);
    }
    return h;
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_2", "HTTP_1_1"})
  void unaryProtoIsTheMessageAsTheBody(HttpClient.Version version) throws Exception {
    HttpResponse<byte[]> r = client(version).post("/greeter.Greeter/SayHello", headers("application/proto", token),
        HelloRequest.newBuilder().setName("Ann").build().toByteArray());
    assertEquals(200, r.statusCode());
    assertEquals("application/proto", r.headers().firstValue("content-type").orElse(""));
    assertEquals("Hello, Ann!", HelloReply.parseFrom(r.body()).getMessage());
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_2", "HTTP_1_1"})
  void unaryJsonUsesProtobufsJsonMapping(HttpClient.Version version) throws Exception {
    try (LogCapture access = LogCapture.of(AccessLogInterceptor.LOGGER)) {
      HttpResponse<byte[]> r = client(version).post("/greeter.Greeter/SayHelloAgain",
          headers("application/json", token), "{\"name\":\"Bea\"}".getBytes(StandardCharsets.UTF_8));
      assertEquals(200, r.statusCode());
      assertEquals("{\"message\":\"Hello again, Bea!\"}", new String(r.body(), StandardCharsets.UTF_8));
      assertTrue(access.await("method=greeter.Greeter/SayHelloAgain", 5).contains(" protocol=connect+json"));
    }
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_2", "HTTP_1_1"})
  void errorsAreJsonWithTheProtocolsHttpStatus(HttpClient.Version version) throws Exception {
    WebClient web = client(version);
    byte[] ann = "{\"name\":\"Ann\"}".getBytes(StandardCharsets.UTF_8);
    HttpResponse<byte[]> anonymous = web.post("/greeter.Greeter/SayHello", headers("application/json", null), ann);
    assertEquals(401, anonymous.statusCode());
    assertEquals("application/json", anonymous.headers().firstValue("content-type").orElse(""));
    assertEquals(Map.of("code", "unauthenticated", "message", "missing bearer token"), json(anonymous.body()));
    HttpResponse<byte[]> noScope = web.post("/greeter.Greeter/SayHello",
        headers("application/json", gateway.token("read")), ann);
    assertEquals(403, noScope.statusCode());
    assertEquals("permission_denied", json(noScope.body()).get("code"));
    HttpResponse<byte[]> blank = web.post("/greeter.Greeter/SayHello", headers("application/json", token),
        "{\"name\":\" \"}".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, blank.statusCode());
    assertEquals(Map.of("code", "invalid_argument", "message", "name is required"), json(blank.body()));
    HttpResponse<byte[]> notJson = web.post("/greeter.Greeter/SayHello", headers("application/json", token),
        "{name".getBytes(StandardCharsets.UTF_8));
    assertEquals(400, notJson.statusCode());
    HttpResponse<byte[]> version2 = web.post("/greeter.Greeter/SayHello", Map.of("content-type", "application/proto",
        "connect-protocol-version", "2", "authorization", "Bearer " + token), new byte[0]);
    assertEquals(400, version2.statusCode());
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_2", "HTTP_1_1"})
  void serverStreamIsEnvelopesThenEndStream(HttpClient.Version version) throws Exception {
    byte[] request = WebClient.frame("{\"name\":\"Cy\",\"count\":2}".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> r = client(version).post("/greeter.Greeter/LotsOfReplies",
        headers("application/connect+json", token), request);
    assertEquals(200, r.statusCode());
    assertEquals("application/connect+json", r.headers().firstValue("content-type").orElse(""));
    List<Frame> envelopes = WebClient.frames(r.body());
    assertEquals(3, envelopes.size());
    assertEquals("{\"message\":\"Hello, Cy! (1 of 2)\"}", envelopes.get(0).text());
    assertEquals(0x02, envelopes.get(2).flags());
    assertEquals("{}", envelopes.get(2).text());
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_2", "HTTP_1_1"})
  void streamErrorsEndWithTheErrorInTheEndStreamEnvelope(HttpClient.Version version) throws Exception {
    byte[] request = WebClient.frame(HelloRequest.newBuilder().setName("Cy").setCount(5).setIntervalMillis(300)
        .build().toByteArray());
    Map<String, String> h = headers("application/connect+proto", token);
    h.put("connect-timeout-ms", "400");
    HttpResponse<byte[]> r = client(version).post("/greeter.Greeter/LotsOfReplies", h, request);
    assertEquals(200, r.statusCode());
    List<Frame> envelopes = WebClient.frames(r.body());
    Frame end = envelopes.get(envelopes.size() - 1);
    assertEquals(0x02, end.flags());
    assertEquals("deadline_exceeded", JsonParser.parseString(end.text()).getAsJsonObject()
        .getAsJsonObject("error").get("code").getAsString());
    assertTrue(envelopes.size() < 6, envelopes.size() + " envelopes");
  }

  private static Map<String, String> json(byte[] body) {
    JsonObject o = JsonParser.parseString(new String(body, StandardCharsets.UTF_8)).getAsJsonObject();
    Map<String, String> m = new HashMap<>();
    o.entrySet().forEach(e -> m.put(e.getKey(), e.getValue().getAsString()));
    return m;
  }
}
