package dev.grpcedge.bench.armeria;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.testing.TestPki;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The benchmark peer answers gRPC-Web with the gateway's own Greeter, over TLS and HTTP/2, as the load generator calls it. */
class ArmeriaGreeterServerTest {
  @TempDir Path dir;

  @Test
  void answersGrpcWebWithTheGatewaysGreeterOverHttp2() throws Exception {
    TestPki pki = TestPki.create("armeria-test-ca");
    Path[] files = pki.issueServer().write(dir, "server");
    try (ArmeriaGreeterServer server = ArmeriaGreeterServer.of(files[0], files[1])) {
      int port = server.start();
      HttpClient client = HttpClient.newBuilder().sslContext(trusting(pki)).version(HttpClient.Version.HTTP_2).build();

      HttpResponse<byte[]> hello = post(client, port, "SayHello", "web");
      assertEquals(200, hello.statusCode());
      assertEquals(HttpClient.Version.HTTP_2, hello.version());
      assertTrue(hello.headers().firstValue("content-type").orElse("").startsWith("application/grpc-web"),
          hello.headers().toString());
      String body = new String(hello.body(), StandardCharsets.ISO_8859_1);
      assertTrue(body.contains("Hello, web!"), body);
      assertTrue(body.matches("(?s).*grpc-status: ?0\\r\\n.*"), body);

      // The Greeter's own validation, not a stand-in: an empty name is INVALID_ARGUMENT (3).
      HttpResponse<byte[]> empty = post(client, port, "SayHello", "");
      String trailers = empty.headers().firstValue("grpc-status")
          .map(s -> "grpc-status: " + s + "\r\n").orElse(new String(empty.body(), StandardCharsets.ISO_8859_1));
      assertTrue(trailers.matches("(?s).*grpc-status: ?3\\r\\n.*"), trailers);
    }
  }

  private static HttpResponse<byte[]> post(HttpClient client, int port, String method, String name) throws Exception {
    byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
    // HelloRequest{name}: field 1, length-delimited; in one uncompressed gRPC frame.
    byte[] message = new byte[utf8.length == 0 ? 0 : 2 + utf8.length];
    if (utf8.length > 0) {
      message[0] = 0x0a;
      message[1] = (byte) utf8.length;
      System.arraycopy(utf8, 0, message, 2, utf8.length);
    }
    ByteBuffer frame = ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message);
    HttpRequest request = HttpRequest.newBuilder(URI.create("https://localhost:" + port + "/greeter.Greeter/" + method))
        .header("content-type", "application/grpc-web+proto").header("x-grpc-web", "1")
        .POST(HttpRequest.BodyPublishers.ofByteArray(frame.array())).build();
    return client.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  private static SSLContext trusting(TestPki pki) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    trust.setCertificateEntry("ca", pki.caCertificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return tls;
  }
}
