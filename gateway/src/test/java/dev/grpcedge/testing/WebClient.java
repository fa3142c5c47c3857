package dev.grpcedge.testing;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A plain HTTP client for the web listener, as a browser's fetch would be: the JDK's HttpClient over TLS trusting
 * the test CA, on HTTP/1.1 or HTTP/2, with gRPC-Web frames built and read by hand.
 */
public final class WebClient {
  private final HttpClient http;
  private final int port;

  public WebClient(int port, Path caFile, HttpClient.Version version) throws Exception {
    this(port, caFile, version, null);
  }

  /** As above, presenting {@code clientCertificate} (its key and certificate) when the server asks for one. */
  public WebClient(int port, Path caFile, HttpClient.Version version, TestPki.Issued clientCertificate)
      throws Exception {
    KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
    trust.load(null, null);
    try (InputStream pem = Files.newInputStream(caFile)) {
      trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(pem));
    }
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(trust);
    SSLContext tls = SSLContext.getInstance("TLS");
    javax.net.ssl.KeyManager[] keys = null;
    if (clientCertificate != null) {
      KeyStore identity = KeyStore.getInstance("PKCS12");
      identity.load(null, null);
      identity.setKeyEntry("client", clientCertificate.keys().getPrivate(), new char[0],
          new java.security.cert.Certificate[] {clientCertificate.certificate()});
      javax.net.ssl.KeyManagerFactory kmf =
          javax.net.ssl.KeyManagerFactory.getInstance(javax.net.ssl.KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(identity, new char[0]);
      keys = kmf.getKeyManagers();
    }
    tls.init(keys, tmf.getTrustManagers(), null);
    this.http = HttpClient.newBuilder().sslContext(tls).version(version).connectTimeout(Duration.ofSeconds(5)).build();
    this.port = port;
  }

  public HttpRequest.Builder request(String path, Map<String, String> headers) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://localhost:" + port + path))
        .timeout(Duration.ofSeconds(15));
    headers.forEach(b::header);
    return b;
  }

  public HttpResponse<byte[]> post(String path, Map<String, String> headers, byte[] body) throws Exception {
    return http.send(request(path, headers).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  public HttpResponse<InputStream> postStreaming(String path, Map<String, String> headers, byte[] body)
      throws Exception {
    return http.send(request(path, headers).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
        HttpResponse.BodyHandlers.ofInputStream());
  }

  public HttpResponse<byte[]> send(HttpRequest request) throws Exception {
    return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
  }

  /** One gRPC-Web message frame around {@code message}. */
  public static byte[] frame(byte[] message) {
    return ByteBuffer.allocate(5 + message.length).put((byte) 0).putInt(message.length).put(message).array();
  }

  /** A response body's frames: flag byte and payload each. */
  public record Frame(int flags, byte[] payload) {
    public String text() {
      return new String(payload, StandardCharsets.US_ASCII);
    }
  }

  public static List<Frame> frames(byte[] body) {
    List<Frame> out = new ArrayList<>();
    ByteBuffer b = ByteBuffer.wrap(body);
    while (b.remaining() >= 5) {
      int flags = b.get() & 0xff;
      byte[] payload = new byte[b.getInt()];
      b.get(payload);
      out.add(new Frame(flags, payload));
    }
    if (b.hasRemaining()) {
      throw new AssertionError(b.remaining() + " bytes after the last whole frame");
    }
    return out;
  }

  /** Reads {@code n} whole frames from a streaming body, as they arrive. */
  public static List<Frame> read(InputStream body, int n) throws Exception {
    List<Frame> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      byte[] header = body.readNBytes(5);
      int length = ByteBuffer.wrap(header, 1, 4).getInt();
      out.add(new Frame(header[0] & 0xff, body.readNBytes(length)));
    }
    return out;
  }

  public static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }
}
