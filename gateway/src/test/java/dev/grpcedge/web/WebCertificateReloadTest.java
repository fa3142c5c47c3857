package dev.grpcedge.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.TestPki;
import dev.grpcedge.testing.TlsProbe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One certificate, two listeners: a rotated pair is served on the web listener as on the gRPC one, no restart. */
class WebCertificateReloadTest {
  @TempDir Path dir;

  @Test
  void rotatedCertificateIsServedToBrowsersAsToGrpcCallers() throws Exception {
    TestPki pki = TestPki.create("reload CA");
    try (TestGateway gateway = TestGateway.in(dir).pki(pki).tls("  reload_interval: 200ms\n").web("").start()) {
      String token = gateway.token("greet");
      String before = webSerial(gateway);
      assertEquals(before, TlsProbe.callAndSerial(gateway.target(), gateway.caFile(), token));
      pki.issueServer().write(dir, "server");
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      String after = before;
      while (after.equals(before) && System.nanoTime() < until) {
        Thread.sleep(100);
        after = webSerial(gateway);
      }
      assertNotEquals(before, after, "the web listener kept the old certificate");
      assertEquals(after, TlsProbe.callAndSerial(gateway.target(), gateway.caFile(), token));
    }
  }

  /** The serial of the certificate a new TLS connection to the web listener is served, in hex. */
  private static String webSerial(TestGateway gateway) throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (var pem = Files.newInputStream(gateway.caFile())) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    try (SSLSocket socket = (SSLSocket) tls.getSocketFactory().createSocket("localhost", gateway.webPort())) {
      socket.startHandshake();
      return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber().toString(16);
    }
  }
}
