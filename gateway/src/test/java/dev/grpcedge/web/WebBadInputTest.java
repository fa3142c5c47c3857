package dev.grpcedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.WebClient;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bad input gets the status that says why and loses nothing: the same connection serves the next call; a browser
 * that goes away cancels its call on the server; a browser cannot ask for more time than web.max_timeout.
 */
class WebBadInputTest {
  @TempDir static Path dir;
  static TestGateway gateway;
  static String token;

  @BeforeAll
  static void start() {
    gateway = TestGateway.in(dir).limits("  max_inbound_message_size: 1024\n").web("  max_timeout: 1s\n").start();
    token = gateway.token("greet");
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static Map<String, String> grpcWeb() {
    return Map.of("content-type", "application/grpc-web+proto", "authorization", "Bearer " + token);
  }

  private static byte[] hello(String name) {
    return WebClient.frame(HelloRequest.newBuilder().setName(name).build().toByteArray());
  }

  private static void stillServes(WebClient web) throws Exception {
    HttpResponse<byte[]> ok = web.post("/greeter.Greeter/SayHello", grpcWeb(), hello("Ann"));
    assertEquals("Hello, Ann!", HelloReply.parseFrom(WebClient.frames(ok.body()).get(0).payload()).getMessage());
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_2", "HTTP_1_1"})
  void eachBadRequestGetsItsStatusAndTheConnectionGoesOn(HttpClient.Version version) throws Exception {
    WebClient web = new WebClient(gateway.webPort(), gateway.caFile(), version);
    assertEquals(405, web.send(web.request("/greeter.Greeter/SayHello", Map.of()).GET().build()).statusCode());
    assertEquals(415, web.post("/greeter.Greeter/SayHello", Map.of("content-type", "application/xml"),
        hello("x")).statusCode());
    assertEquals(415, web.post("/greeter.Greeter/SayHello", Map.of(), hello("x")).statusCode());
    assertEquals(404, web.post("/index.html", grpcWeb(), hello("x")).statusCode());
    byte[] truncated = java.util.Arrays.copyOf(hello("Ann"), 7);
    assertEquals("13", web.post("/greeter.Greeter/SayHello", grpcWeb(), truncated).headers()
        .firstValue("grpc-status").orElse(""));
    byte[] lengthPastTheBody = hello("Ann");
    lengthPastTheBody[4] += 50;
    HttpResponse<byte[]> past = web.post("/greeter.Greeter/SayHello", grpcWeb(), lengthPastTheBody);
    assertEquals("frame length past the end of the body", past.headers().firstValue("grpc-message").orElse(""));
    HttpResponse<byte[]> big = web.post("/greeter.Greeter/SayHello", grpcWeb(), WebClient.frame(new byte[2000]));
    assertEquals("8", big.headers().firstValue("grpc-status").orElse(""));
    HttpResponse<byte[]> badText = web.post("/greeter.Greeter/SayHello",
        Map.of("content-type", "application/grpc-web-text", "authorization", "Bearer " + token), "AA*A".getBytes());
    assertEquals("malformed base64 in a grpc-web-text body", badText.headers().firstValue("grpc-message").orElse(""));
    var badBin = new java.util.HashMap<>(grpcWeb());
    badBin.put("trace-bin", "not base64!");
    assertEquals("13", web.post("/greeter.Greeter/SayHello", badBin, hello("Ann")).headers()
        .firstValue("grpc-status").orElse(""));
    stillServes(web);
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_2", "HTTP_1_1"})
  void browserThatGoesAwayCancelsTheCallOnTheServer(HttpClient.Version version) throws Exception {
    WebClient web = new WebClient(gateway.webPort(), gateway.caFile(), version);
    byte[] endless = WebClient.frame(HelloRequest.newBuilder().setName("Abe").setCount(1000).setIntervalMillis(20)
        .build().toByteArray());
    HttpResponse<InputStream> r = web.postStreaming("/greeter.Greeter/LotsOfReplies", grpcWeb(), endless);
    InputStream body = r.body();
    // The first reply arrives before the stream ends.
    assertEquals("Hello, Abe! (1 of 1000)",
        HelloReply.parseFrom(WebClient.read(body, 1).get(0).payload()).getMessage());
    assertEquals(1, gateway.server().greeter().activeStreams());
    body.close();
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (gateway.server().greeter().activeStreams() > 0 && System.nanoTime() < until) {
      Thread.sleep(10);
    }
    assertEquals(0, gateway.server().greeter().activeStreams(), "the stream went on after the browser left");
    stillServes(new WebClient(gateway.webPort(), gateway.caFile(), version));
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_2", "HTTP_1_1"})
  void aBrowsersDeadlineIsCappedAtMaxTimeout(HttpClient.Version version) throws Exception {
    WebClient web = new WebClient(gateway.webPort(), gateway.caFile(), version);
    var headers = new java.util.HashMap<>(grpcWeb());
    headers.put("grpc-timeout", "1H");
    byte[] slow = WebClient.frame(HelloRequest.newBuilder().setName("Slo").setCount(20).setIntervalMillis(200)
        .build().toByteArray());
    long start = System.nanoTime();
    HttpResponse<byte[]> r = web.post("/greeter.Greeter/LotsOfReplies", headers, slow);
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    var frames = WebClient.frames(r.body());
    String trailers = frames.get(frames.size() - 1).text();
    assertTrue(trailers.startsWith("grpc-status: 4\r\n"), trailers);
    assertTrue(frames.size() < 20 && millis < 10_000, frames.size() + " frames in " + millis + " ms");
  }

  @ParameterizedTest
  @EnumSource(names = {"HTTP_2", "HTTP_1_1"})
  void aShorterBrowserDeadlineIsHonoured(HttpClient.Version version) throws Exception {
    WebClient web = new WebClient(gateway.webPort(), gateway.caFile(), version);
    var headers = new java.util.HashMap<>(grpcWeb());
    headers.put("grpc-timeout", "300m");
    byte[] slow = WebClient.frame(HelloRequest.newBuilder().setName("Slo").setCount(20).setIntervalMillis(200)
        .build().toByteArray());
    var frames = WebClient.frames(web.post("/greeter.Greeter/LotsOfReplies", headers, slow).body());
    assertTrue(frames.size() <= 3, frames.size() + " frames");
    assertTrue(frames.get(frames.size() - 1).text().startsWith("grpc-status: 4\r\n"));
  }
}
