package dev.grpcedge.auth;

import com.nimbusds.jose.jwk.JWKSet;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.grpcedge.testing.TestGateway;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small identity provider's key endpoints on loopback for tests: {@code /jwks} serves a key set the test can
 * change at any time (rotation), {@code /.well-known/openid-configuration} names it, every request is counted,
 * and the provider can be made to fail (503) or answer slowly.
 */
public final class JwksServer implements AutoCloseable {
  private final HttpServer http;
  private final String issuer;
  private final AtomicInteger jwksFetches = new AtomicInteger();
  private final AtomicInteger discoveryFetches = new AtomicInteger();
  private volatile String jwks;
  private volatile String discoveryIssuer;
  private volatile boolean down;
  private volatile Duration delay = Duration.ZERO;

  private JwksServer(HttpServer http, String issuer) {
    this.http = http;
    this.issuer = issuer;
    this.discoveryIssuer = issuer;
  }

  /** Starts on 127.0.0.1 at an ephemeral port; the issuer is the server's base URL plus {@code path}. */
  public static JwksServer start(String path) {
    try {
      HttpServer http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      String base = "http://127.0.0.1:" + http.getAddress().getPort();
      JwksServer server = new JwksServer(http, base + path);
      http.createContext(path + "/jwks", exchange -> server.serveJwks(exchange));
      http.createContext(path + "/.well-known/openid-configuration", exchange -> server.serveDiscovery(exchange));
      http.setExecutor(Executors.newCachedThreadPool());
      http.start();
      return server;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A loopback URL where nothing listens: a provider that is down from the start. */
  public static URI closedPortUrl(String path) {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort() + path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public String issuer() {
    return issuer;
  }

  public URI jwksUrl() {
    return URI.create(issuer + "/jwks");
  }

  /**
   * The YAML list item for {@code auth.issuers} (for {@code TestGateway.Builder#extraIssuers}) trusting this server's
   * keys for the gateway's audience, with {@code keys} as its {@code keys} settings (a YAML flow mapping).
   */
  public String issuerYaml(String keys) {
    return "    - issuer: " + issuer + "\n      jwks_url: " + jwksUrl() + "\n      audiences: ["
        + TestGateway.AUDIENCE + "]\n      keys: " + keys + "\n";
  }

  /** Publishes the public part of {@code keys} from now on. */
  public JwksServer serve(JWKSet keys) {
    this.jwks = keys.toPublicJWKSet().toString();
    return this;
  }

  /** Publishes {@code body} as is (e.g. an oversized document). */
  public JwksServer serveRaw(String body) {
    this.jwks = body;
    return this;
  }

  /** Makes the discovery document name {@code value} as its issuer. */
  public JwksServer discoveryIssuer(String value) {
    this.discoveryIssuer = value;
    return this;
  }

  /** True: every request gets 503, as from a provider that is down. */
  public JwksServer down(boolean value) {
    this.down = value;
    return this;
  }

  /** Waits this long before answering each request. */
  public JwksServer delay(Duration value) {
    this.delay = value;
    return this;
  }

  public int jwksFetches() {
    return jwksFetches.get();
  }

  public int discoveryFetches() {
    return discoveryFetches.get();
  }

  private void serveJwks(HttpExchange exchange) throws IOException {
    jwksFetches.incrementAndGet();
    respond(exchange, jwks);
  }

  private void serveDiscovery(HttpExchange exchange) throws IOException {
    discoveryFetches.incrementAndGet();
    respond(exchange, "{\"issuer\":\"" + discoveryIssuer + "\",\"jwks_uri\":\"" + jwksUrl() + "\"}");
  }

  private void respond(HttpExchange exchange, String body) throws IOException {
    try (exchange) {
      if (!delay.isZero()) {
        Thread.sleep(delay.toMillis());
      }
      if (down || body == null) {
        exchange.sendResponseHeaders(503, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", "application/json");
      exchange.sendResponseHeaders(200, bytes.length);
      exchange.getResponseBody().write(bytes);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    http.stop(0);
  }
}
