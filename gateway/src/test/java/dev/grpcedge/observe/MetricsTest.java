package dev.grpcedge.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.Subprocess;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.WebClient;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * /metrics after known traffic, read by Prometheus's own text-format parser (Debian's python3-prometheus-client),
 * with the counts checked exactly.
 */
class MetricsTest {
  @TempDir Path dir;

  /** One sample: its name, labels and value. */
  record Sample(String name, Map<String, String> labels, double value) {}

  private static final MethodDescriptor<byte[], byte[]> UNKNOWN = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setFullMethodName("secret.Admin/DropTables").setType(MethodDescriptor.MethodType.UNARY)
      .setRequestMarshaller(dev.grpcedge.route.Bytes.INSTANCE).setResponseMarshaller(dev.grpcedge.route.Bytes.INSTANCE)
      .build();

  @Test
  void knownTrafficIsCountedExactlyWithBoundedLabels() throws Exception {
    Subprocess.requireTool(Subprocess.succeeds(List.of(PARSER_PYTHON, "-c", "import prometheus_client"), dir),
        PARSER_PYTHON + " with prometheus_client is missing: apt-get install python3-prometheus-client");
    try (TestGateway gateway = TestGateway.in(dir).web("").routing("admin:\n  listen: 127.0.0.1:0\n").start()) {
      HelloRequest hello = HelloRequest.newBuilder().setName("M").build();
      var ok = gateway.blockingStub(gateway.token("greet"));
      for (int i = 0; i < 3; i++) {
        ok.sayHello(hello);
      }
      refused(() -> io.grpc.stub.ClientCalls.blockingUnaryCall(gateway.channel(),
          dev.grpcedge.greeter.proto.GreeterGrpc.getSayHelloMethod(), CallOptions.DEFAULT, hello));
      refused(() -> gateway.blockingStub(gateway.token("other")).sayHello(hello));
      String expired = gateway.issuer().token().sub("alice").scopes("greet")
          .iat(Instant.now().minusSeconds(3600)).exp(Instant.now().minusSeconds(1800)).sign();
      refused(() -> gateway.blockingStub(expired).sayHello(hello));
      // A method nobody serves: UNIMPLEMENTED, and recorded as "other", never by the name the caller made up.
      refused(() -> ClientCalls.blockingUnaryCall(gateway.channel(), UNKNOWN, CallOptions.DEFAULT
          .withCallCredentials(BearerCredentials.of(gateway.token("greet"))), new byte[0]));
      var web = new WebClient(gateway.webPort(), gateway.caFile(), HttpClient.Version.HTTP_2);
      var response = web.post("/greeter.Greeter/SayHello", Map.of("content-type", "application/grpc-web+proto",
          "authorization", "Bearer " + gateway.token("greet")), WebClient.frame(hello.toByteArray()));
      assertEquals(200, response.statusCode());

      List<Sample> samples = List.of();
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (System.nanoTime() < until) {
        samples = scrape(gateway.server().adminPort());
        if (value(samples, "grpc_edge_auth_outcomes_total", Map.of("outcome", "ok")) == 5) {
          break;
        }
        Thread.sleep(100);
      }
      String sayHello = "greeter.Greeter/SayHello";
      assertEquals(6, value(samples, "grpc_server_call_started_total", Map.of("grpc_method", sayHello)));
      assertEquals(3, value(samples, "grpc_server_call_duration_seconds_count",
          Map.of("grpc_method", sayHello, "grpc_status", "OK")));
      assertEquals(2, value(samples, "grpc_server_call_duration_seconds_count",
          Map.of("grpc_method", sayHello, "grpc_status", "UNAUTHENTICATED")));
      assertEquals(1, value(samples, "grpc_server_call_duration_seconds_count",
          Map.of("grpc_method", sayHello, "grpc_status", "PERMISSION_DENIED")));
      assertEquals(1, value(samples, "grpc_server_call_started_total", Map.of("grpc_method", "other")));

      // Five calls authenticated: three native SayHello, the unknown method, the browser's.
      assertEquals(5, value(samples, "grpc_edge_auth_outcomes_total", Map.of("outcome", "ok")));
      assertEquals(1, value(samples, "grpc_edge_auth_outcomes_total", Map.of("outcome", "missing_token")));
      assertEquals(1, value(samples, "grpc_edge_auth_outcomes_total", Map.of("outcome", "missing_scope")));
      assertEquals(1, value(samples, "grpc_edge_auth_outcomes_total", Map.of("outcome", "expired")));
      assertEquals(1, value(samples, "grpc_edge_web_calls_total", Map.of("protocol", "grpc-web")));
      assertTrue(value(samples, "grpc_edge_connections_open", Map.of()) >= 2, "connections open");
      assertTrue(value(samples, "grpc_edge_tls_certificate_expiry_seconds", Map.of())
          > Instant.now().getEpochSecond(), "certificate expiry");
      assertEquals(0, value(samples, "grpc_edge_tls_reloads_total", Map.of("result", "refused")));

      // Nothing a caller sent became a label.
      for (Sample s : samples) {
        assertFalse(s.labels().values().stream().anyMatch(v -> v.contains("secret") || v.contains("alice")),
            s.toString());
      }
    }
  }

  @Test
  void keySetFetchesAndTheTokenCacheAreCounted() throws Exception {
    Subprocess.requireTool(Subprocess.succeeds(List.of(PARSER_PYTHON, "-c", "import prometheus_client"), dir),
        PARSER_PYTHON + " with prometheus_client is missing: apt-get install python3-prometheus-client");
    dev.grpcedge.auth.TestIssuer keys = dev.grpcedge.auth.TestIssuer.create("unused", TestGateway.AUDIENCE);
    try (dev.grpcedge.auth.JwksServer provider = dev.grpcedge.auth.JwksServer.start("/realms/m")
            .serve(keys.publicJwks());
        TestGateway gateway = TestGateway.in(dir).extraIssuers(provider.issuerYaml("{}"))
            .routing("admin:\n  listen: 127.0.0.1:0\n").start()) {
      String token = keys.token().iss(provider.issuer()).sub("carol").scopes("greet").sign();
      HelloRequest hello = HelloRequest.newBuilder().setName("K").build();
      // Two connections: the first verifies the token and caches it, the second finds it in the cache.
      gateway.blockingStub(token).sayHello(hello);
      gateway.blockingStub(token).sayHello(hello);
      List<Sample> samples = scrape(gateway.server().adminPort());
      Map<String, String> ok = Map.of("issuer", provider.issuer(), "result", "ok");
      assertTrue(value(samples, "grpc_edge_keys_fetches_total", ok) >= 1, samples.toString());
      assertEquals(0, value(samples, "grpc_edge_keys_fetches_total",
          Map.of("issuer", provider.issuer(), "result", "failed")));
      assertTrue(value(samples, "grpc_edge_keys_age_seconds", Map.of("issuer", provider.issuer())) >= 0);
      assertTrue(samples.stream().anyMatch(x -> x.name().equals("grpc_edge_keys_age_seconds")), "key-set age");
      assertEquals(1, value(samples, "grpc_edge_token_cache_hits_total", Map.of()));
      assertEquals(1, value(samples, "grpc_edge_token_cache_size", Map.of()));
    }
  }

  private static void refused(org.junit.jupiter.api.function.Executable call) {
    assertThrows(StatusRuntimeException.class, call);
  }

  /** Debian's interpreter, which has python3-prometheus-client (a pyenv python3 on PATH does not). */
  static final String PARSER_PYTHON = "/usr/bin/python3";

  /** GETs /metrics and parses it with prometheus_client's parser. */
  static List<Sample> scrape(int port) throws Exception {
    HttpResponse<String> metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + port + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
    assertEquals(200, metrics.statusCode());
    String script = "import sys, json\n"
        + "from prometheus_client.parser import text_string_to_metric_families\n"
        + "print(json.dumps([[s.name, s.labels, s.value] for f in text_string_to_metric_families(sys.stdin.read())"
        + " for s in f.samples]))\n";
    Process p = new ProcessBuilder(PARSER_PYTHON, "-c", script).start();
    p.getOutputStream().write(metrics.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertEquals(0, p.waitFor(), "the parser refused /metrics: " + err);
    List<Sample> samples = new ArrayList<>();
    for (JsonNode s : new ObjectMapper().readTree(out)) {
      Map<String, String> labels = new java.util.TreeMap<>();
      s.get(1).fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
      samples.add(new Sample(s.get(0).asText(), labels, s.get(2).asDouble()));
    }
    return samples;
  }

  /** The sum of the samples named {@code name} whose labels include {@code labels}. */
  static double value(List<Sample> samples, String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name))
        .filter(s -> s.labels().entrySet().containsAll(labels.entrySet()))
        .mapToDouble(Sample::value).sum();
  }
}
