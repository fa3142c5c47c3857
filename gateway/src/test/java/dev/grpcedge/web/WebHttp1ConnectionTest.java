package dev.grpcedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.WebClient;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTP/1.1 connection handling on the web listener, byte for byte: when an answer ends the connection. */
class WebHttp1ConnectionTest {
  @TempDir static Path dir;
  static TestGateway gateway;

  @BeforeAll
  static void start() {
    gateway = TestGateway.in(dir).limits("  max_metadata_size: 2KiB\n").auth("  max_token_size: 1KiB\n").web("")
        .start();
  }

  @AfterAll
  static void stop() {
    gateway.close();
  }

  /** Sends {@code request} on a new HTTP/1.1 TLS connection and reads until the server closes it (or 5 s pass). */
  private static String exchange(String head, byte[] body) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream pem = Files.newInputStream(gateway.caFile())) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", gateway.webPort())) {
      SSLParameters params = socket.getSSLParameters();
      params.setApplicationProtocols(new String[] {"http/1.1"});
      socket.setSSLParameters(params);
      socket.setSoTimeout(5000);
      socket.getOutputStream().write(head.getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().write(body);
      socket.getOutputStream().flush();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      // Returns at the server's close; a kept-open connection times out instead and fails the test.
      socket.getInputStream().transferTo(answer);
      return answer.toString(StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void connectionCloseIsHonouredAfterAStreamedAnswer() throws Exception {
    byte[] body = WebClient.frame(HelloRequest.newBuilder().setName("Ann").setCount(2).build().toByteArray());
    String answer = exchange("POST /greeter.Greeter/LotsOfReplies HTTP/1.1\r\nhost: localhost\r\n"
        + "content-type: application/grpc-web+proto\r\nauthorization: Bearer " + gateway.token("greet") + "\r\n"
        + "connection: close\r\ncontent-length: " + body.length + "\r\n\r\n", body);
    assertTrue(answer.startsWith("HTTP/1.1 200 OK\r\n"), answer);
    assertTrue(answer.contains("Hello, Ann! (2 of 2)") && answer.contains("grpc-status: 0"), answer);
  }

  @Test
  void unreadableHeadersAre431AndEndTheConnection() throws Exception {
    String answer = exchange("POST /greeter.Greeter/SayHello HTTP/1.1\r\nhost: localhost\r\n"
        + "content-type: application/grpc-web+proto\r\nx-padding: " + "p".repeat(4000) + "\r\n"
        + "content-length: 0\r\n\r\n", new byte[0]);
    assertEquals("HTTP/1.1 431 Request Header Fields Too Large", answer.lines().findFirst().orElse(""), answer);
  }
}
