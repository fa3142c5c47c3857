package dev.grpcedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.observe.AccessLogInterceptor;
import dev.grpcedge.testing.LogCapture;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.TestPki;
import dev.grpcedge.testing.WebClient;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** With mutual TLS, the web path's policy and access line see the browser's client certificate, not the bridge. */
class WebClientCertificateTest {
  @TempDir Path dir;

  @Test
  void ruleNeedingAClientCertificateSeesTheBrowsersCertificate() throws Exception {
    TestPki clients = TestPki.create("client CA");
    clients.writeCa(dir.resolve("clients.pem"));
    TestPki.Issued alice = clients.issueClient("client-alice", "alice.clients.test");
    String rules = """
            - methods: ["greeter.Greeter/*"]
              scopes: [greet]
            - methods: ["greeter.Greeter/SayHelloAgain"]
              scopes: [greet]
              client_cert: required
        """;
    try (LogCapture access = LogCapture.of(AccessLogInterceptor.LOGGER);
        TestGateway gateway = TestGateway.in(dir).rules(rules)
            .tls("  client_auth: optional\n  client_ca: clients.pem\n").web("").start()) {
      Map<String, String> headers = Map.of("content-type", "application/grpc-web+proto",
          "authorization", "Bearer " + gateway.token("greet"));
      byte[] hello = WebClient.frame(HelloRequest.newBuilder().setName("Al").build().toByteArray());
      for (HttpClient.Version version : HttpClient.Version.values()) {
        HttpResponse<byte[]> without = new WebClient(gateway.webPort(), gateway.caFile(), version)
            .post("/greeter.Greeter/SayHelloAgain", headers, hello);
        assertEquals("16", without.headers().firstValue("grpc-status").orElse(""), version.toString());
        assertEquals("client certificate required", without.headers().firstValue("grpc-message").orElse(""));
        HttpResponse<byte[]> with = new WebClient(gateway.webPort(), gateway.caFile(), version, alice)
            .post("/greeter.Greeter/SayHelloAgain", headers, hello);
        assertEquals("Hello again, Al!", HelloReply.parseFrom(WebClient.frames(with.body()).get(0).payload())
            .getMessage(), version.toString());
      }
      String line = access.await("status=OK", 5);
      assertTrue(line.contains("method=greeter.Greeter/SayHelloAgain sub=alice status=OK")
          && line.contains("client_cert=\"CN=client-alice\" client_sans=DNS:alice.clients.test")
          && line.contains("protocol=grpc-web"), line);
    }
  }
}
