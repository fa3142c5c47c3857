package dev.grpcedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.observe.AccessLogInterceptor;
import dev.grpcedge.testing.LogCapture;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.WebClient;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CORS for the allowlisted origins only: preflights end at the gateway, other origins are refused before auth. */
class WebCorsTest {
  private static final String APP = "https://app.example";

  @TempDir static Path dir;
  static TestGateway gateway;
  static WebClient web;

  @BeforeAll
  static void start() throws Exception {
    gateway = TestGateway.in(dir).web("  cors:\n    allowed_origins: [" + APP + "]\n    max_age: 2m\n").start();
    web = new WebClient(gateway.webPort(), gateway.caFile(), HttpClient.Version.HTTP_2);
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  private static HttpResponse<byte[]> preflight(String origin) throws Exception {
    return web.send(web.request("/greeter.Greeter/LotsOfGreetings", Map.of("origin", origin,
            "access-control-request-method", "POST",
            "access-control-request-headers", "authorization, content-type, x-grpc-web"))
        .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build());
  }

  @Test
  void preflightFromAnAllowedOriginIsAnsweredByTheGatewayWithoutAToken() throws Exception {
    try (LogCapture access = LogCapture.of(AccessLogInterceptor.LOGGER)) {
      HttpResponse<byte[]> r = preflight(APP);
      assertEquals(204, r.statusCode());
      assertEquals(APP, r.headers().firstValue("access-control-allow-origin").orElse(""));
      assertEquals("true", r.headers().firstValue("access-control-allow-credentials").orElse(""));
      assertEquals("POST", r.headers().firstValue("access-control-allow-methods").orElse(""));
      assertEquals(Cors.ALLOWED_HEADERS, r.headers().firstValue("access-control-allow-headers").orElse(""));
      assertEquals("120", r.headers().firstValue("access-control-max-age").orElse(""));
      assertEquals("origin", r.headers().firstValue("vary").orElse("").toLowerCase());
      Thread.sleep(200);
      assertTrue(access.lines().stream().noneMatch(l -> l.contains("LotsOfGreetings")), "a preflight reached a"
          + " service: " + access.lines());
    }
  }

  @Test
  void otherOriginsGetNoCorsHeadersAndNoCall() throws Exception {
    try (LogCapture access = LogCapture.of(AccessLogInterceptor.LOGGER)) {
      HttpResponse<byte[]> pre = preflight("https://evil.example");
      assertEquals(403, pre.statusCode());
      assertTrue(pre.headers().firstValue("access-control-allow-origin").isEmpty());
      HttpResponse<byte[]> call = web.post("/greeter.Greeter/BidiHello", Map.of("origin", "https://evil.example",
          "content-type", "application/grpc-web+proto", "authorization", "Bearer " + gateway.token("greet")),
          WebClient.frame(HelloRequest.newBuilder().setName("Eve").build().toByteArray()));
      assertEquals(403, call.statusCode());
      assertTrue(call.headers().firstValue("access-control-allow-origin").isEmpty());
      Thread.sleep(200);
      assertTrue(access.lines().stream().noneMatch(l -> l.contains("LotsOfGreetings") || l.contains("BidiHello")),
          "a refused origin reached a service: " + access.lines());
    }
  }

  @Test
  void answersToAnAllowedOriginExposeTheGrpcHeaders() throws Exception {
    HttpResponse<byte[]> r = web.post("/greeter.Greeter/SayHello", Map.of("origin", APP,
        "content-type", "application/grpc-web+proto"),
        WebClient.frame(HelloRequest.newBuilder().setName("Ann").build().toByteArray()));
    assertEquals("16", r.headers().firstValue("grpc-status").orElse(""));
    assertEquals(APP, r.headers().firstValue("access-control-allow-origin").orElse(""));
    assertEquals(Cors.EXPOSED_HEADERS, r.headers().firstValue("access-control-expose-headers").orElse(""));
  }

  @Test
  void wildcardOriginIsRefusedAtStart() {
    var e = org.junit.jupiter.api.Assertions.assertThrows(dev.grpcedge.config.ConfigException.class,
        () -> TestGateway.in(java.nio.file.Files.createDirectories(dir.resolve("wild"))).web("  cors:\n    allowed_origins: ['*']\n").start());
    assertTrue(e.getMessage().endsWith("web.cors.allowed_origins[0]: '*': wildcards are not allowed; list each origin"),
        e.getMessage());
    assertFalse(e.getMessage().contains("Exception"));
  }
}
