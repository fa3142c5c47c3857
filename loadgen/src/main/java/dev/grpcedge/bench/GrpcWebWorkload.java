package dev.grpcedge.bench;

import dev.grpcedge.greeter.proto.HelloRequest;
import io.grpc.Status;
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
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Unary {@code SayHello} calls over gRPC-Web (binary), as a browser's fetch makes them: the JDK's HTTP/2 client,
 * one client (one connection) per {@code --connections}, the token in {@code authorization}. A call's status is
 * {@code grpc-status} from the trailer frame, or from the headers of a trailers-only answer.
 */
public final class GrpcWebWorkload implements Workload {
  private static final Pattern STATUS = Pattern.compile("grpc-status: ?(\\d+)");

  private final HttpClient[] clients;
  private final HttpRequest[] requests;
  private final AtomicInteger next = new AtomicInteger();

  /**
   * @param tokens one per connection, reused round robin (empty: no token)
   */
  public GrpcWebWorkload(String target, Path caFile, int connections, List<String> tokens, HelloRequest request)
      throws Exception {
    SSLContext tls = tls(caFile);
    ByteBuffer frame = ByteBuffer.allocate(5 + request.getSerializedSize()).put((byte) 0)
        .putInt(request.getSerializedSize()).put(request.toByteArray());
    byte[] body = frame.array();
    clients = new HttpClient[connections];
    requests = new HttpRequest[connections];
    for (int i = 0; i < connections; i++) {
      clients[i] = HttpClient.newBuilder().sslContext(tls).version(HttpClient.Version.HTTP_2)
          .connectTimeout(Duration.ofSeconds(10)).build();
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://" + target + "/greeter.Greeter/SayHello"))
          .header("content-type", "application/grpc-web+proto").header("x-grpc-web", "1")
          .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (!tokens.isEmpty()) {
        b.header("authorization", "Bearer " + tokens.get(i % tokens.size()));
      }
      requests[i] = b.build();
    }
  }

  @Override
  public void issue(Consumer<Status.Code> done) {
    int i = Math.floorMod(next.getAndIncrement(), clients.length);
    clients[i].sendAsync(requests[i], HttpResponse.BodyHandlers.ofByteArray()).whenComplete((response, failure) ->
        done.accept(failure != null ? Status.Code.UNAVAILABLE : status(response)));
  }

  private static Status.Code status(HttpResponse<byte[]> response) {
    if (response.statusCode() != 200) {
      return Status.Code.UNKNOWN;
    }
    String header = response.headers().firstValue("grpc-status").orElse(null);
    if (header != null) {
      return Status.fromCodeValue(Integer.parseInt(header)).getCode();
    }
    byte[] body = response.body();
    // The trailer frame is last: flag 0x80, a length, then "grpc-status: N\r\n...".
    int at = 0;
    while (at + 5 <= body.length) {
      int length = ByteBuffer.wrap(body, at + 1, 4).getInt();
      if ((body[at] & 0x80) != 0) {
        Matcher m = STATUS.matcher(new String(body, at + 5, length, StandardCharsets.US_ASCII));
        return m.find() ? Status.fromCodeValue(Integer.parseInt(m.group(1))).getCode() : Status.Code.UNKNOWN;
      }
      at += 5 + length;
    }
    return Status.Code.UNKNOWN;
  }

  private static SSLContext tls(Path caFile) throws Exception {
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    if (caFile == null) {
      tmf.init((KeyStore) null);
    } else {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      try (InputStream pem = Files.newInputStream(caFile)) {
        trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(pem));
      }
      tmf.init(trust);
    }
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, tmf.getTrustManagers(), null);
    return tls;
  }

  @Override
  public void close() {
    // HttpClient on Java 17 has no close(); its connections end with the JVM or when it is collected.
  }
}
