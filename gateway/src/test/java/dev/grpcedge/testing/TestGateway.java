package dev.grpcedge.testing;

import dev.grpcedge.auth.TestIssuer;
import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.client.Channels;
import dev.grpcedge.config.ConfigLoader;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.server.GatewayServer;
import io.grpc.ManagedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real gateway for feature tests: TLS with a throw-away CA, a test token issuer, the config written as YAML and
 * read by the real loader, listening on an ephemeral loopback port.
 */
public final class TestGateway implements AutoCloseable {
  public static final String ISSUER = "https://issuer.test";
  public static final String AUDIENCE = "grpc-edge";
  public static final String DEFAULT_RULES = """
          - methods: ["greeter.Greeter/*"]
            scopes: [greet]
          - methods: ["grpc.health.v1.Health/*"]
            public: true
      """;

  private final Path dir;
  private final Path caFile;
  private final Path configFile;
  private final TestIssuer issuer;
  private final GatewayServer server;
  private final List<ManagedChannel> channels = new ArrayList<>();

  private TestGateway(Path dir, Path caFile, Path configFile, TestIssuer issuer, GatewayServer server) {
    this.dir = dir;
    this.caFile = caFile;
    this.configFile = configFile;
    this.issuer = issuer;
    this.server = server;
  }

  public static Builder in(Path dir) {
    return new Builder(dir);
  }

  public GatewayServer server() {
    return server;
  }

  public int port() {
    return server.port();
  }

  /** The web listener's port (a {@link Builder#web} gateway). */
  public int webPort() {
    return server.webPort();
  }

  public String target() {
    return "localhost:" + port();
  }

  public Path caFile() {
    return caFile;
  }

  public Path configFile() {
    return configFile;
  }

  public Path dir() {
    return dir;
  }

  public TestIssuer issuer() {
    return issuer;
  }

  /** A token for "alice" with the given scopes, valid for the issuer's default lifetime. */
  public String token(String... scopes) {
    return issuer.token().sub("alice").scopes(scopes).sign();
  }

  /** A new Netty TLS channel trusting the test CA; closed with the gateway. */
  public ManagedChannel channel() {
    ManagedChannel channel = Channels.tls(target(), caFile);
    channels.add(channel);
    return channel;
  }

  public GreeterGrpc.GreeterBlockingStub blockingStub(String token) {
    return GreeterGrpc.newBlockingStub(channel()).withCallCredentials(BearerCredentials.of(token))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  public GreeterGrpc.GreeterStub asyncStub(String token) {
    return GreeterGrpc.newStub(channel()).withCallCredentials(BearerCredentials.of(token))
        .withDeadlineAfter(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() {
    channels.forEach(ManagedChannel::shutdownNow);
    server.close();
  }

  /** Writes the PKI, the JWKS and the config, then starts the gateway. */
  public static final class Builder {
    private final Path dir;
    private String rules = DEFAULT_RULES;
    private String limits = "";
    /**
     * Without limits of its own, a test gateway gives each caller room for a load generator's closed loop (the
     * default rule, 1000 calls a second, would refuse the bench tests' calls); CallerLimitsTest sets its own.
     */
    private static final String LOAD_TEST_CALLERS = "  callers: [{methods: [\"*\"], calls_per_second: 10000000,"
        + " burst: 10000000, concurrent_calls: 100000, messages_per_second: 100000000,"
        + " message_burst: 100000000}]";
    private String security = "";
    private String routing = "";
    private String grace = "5s";
    private String authExtra = "";
    private String tlsExtra = "";
    private String certFile = "server.pem";
    private String keyFile = "server.key";
    private TestPki pki;
    private String issuers;
    private String extraIssuers = "";
    private String web = "";

    Builder(Path dir) {
      this.dir = dir;
    }

    /** YAML list items for {@code auth.rules}, indented by four spaces. */
    public Builder rules(String yamlItems) {
      this.rules = yamlItems;
      return this;
    }

    /** YAML keys for the {@code limits} section, indented by two spaces. */
    public Builder limits(String yamlKeys) {
      this.limits = yamlKeys;
      return this;
    }

    /** Extra YAML keys for the {@code auth} section, indented by two spaces. */
    public Builder auth(String yamlKeys) {
      this.authExtra = yamlKeys;
      return this;
    }

    /** Extra YAML keys for the {@code tls} section, indented by two spaces. */
    public Builder tls(String yamlKeys) {
      this.tlsExtra = yamlKeys;
      return this;
    }

    /** Uses {@code pki} as the server's CA (written to ca.pem) instead of a new one. */
    public Builder pki(TestPki pki) {
      this.pki = pki;
      return this;
    }

    /**
     * Points {@code tls.cert} and {@code tls.key} at these paths (relative to the folder) instead of the
     * server.pem and server.key this builder writes; the test puts the files there before {@link #start()}.
     */
    public Builder serverFiles(String cert, String key) {
      this.certFile = cert;
      this.keyFile = key;
      return this;
    }

    /** More YAML list items for {@code auth.issuers}, indented by four spaces (see {@link TestProvider}). */
    public Builder extraIssuers(String yamlItems) {
      this.extraIssuers = yamlItems;
      return this;
    }

    /** YAML list items for {@code auth.issuers}, indented by four spaces, instead of the test issuer's file. */
    public Builder issuers(String yamlItems) {
      this.issuers = yamlItems;
      return this;
    }

    /** A web listener on an ephemeral port; {@code yamlKeys} (indented by two spaces) go under {@code web}. */
    public Builder web(String yamlKeys) {
      this.web = "web:\n  listen: 127.0.0.1:0\n" + yamlKeys;
      return this;
    }

    /** Top-level YAML ({@code routes:} and {@code upstreams:} sections), unindented. */
    public Builder routing(String yaml) {
      this.routing = yaml;
      return this;
    }

    /** YAML keys for the {@code security} section, indented by two spaces ({@code "  accept_risks: [...]"}). */
    public Builder security(String yamlKeys) {
      this.security = "security:\n" + yamlKeys;
      return this;
    }

    public Builder shutdownGrace(String duration) {
      this.grace = duration;
      return this;
    }

    /** Writes the files and returns the config path without starting anything. */
    public Path writeConfig(TestIssuer issuer) {
      TestPki pki = this.pki != null ? this.pki : TestPki.create("grpc-edge test CA");
      pki.writeCa(dir.resolve("ca.pem"));
      pki.issueServer().write(dir, "server");
      issuer.writeJwks(dir.resolve("issuer.jwks.json"));
      String yaml = """
          listen: 127.0.0.1:0
          tls:
            cert: %s
            key: %s
          %s
          auth:
          %s  issuers:
          %s
            rules:
          %s
          limits:
          %s
          shutdown:
            grace: %s
          %s
          %s
          """.formatted(certFile, keyFile, tlsExtra, authExtra, issuersYaml(), rules,
              limits.isEmpty() ? LOAD_TEST_CALLERS : limits, grace, web, security) + routing
          .replace("limits:\n  {}", "limits: {}");
      try {
        return Files.writeString(dir.resolve("gateway.yaml"), yaml);
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    private String issuersYaml() {
      String base = issuers != null ? issuers : """
              - issuer: %s
                jwks_file: issuer.jwks.json
                audiences: [%s]
          """.formatted(ISSUER, AUDIENCE);
      return (base.endsWith("\n") ? base : base + "\n") + extraIssuers;
    }

    public TestGateway start() {
      TestIssuer issuer = TestIssuer.create(ISSUER, AUDIENCE);
      Path config = writeConfig(issuer);
      GatewayServer server = GatewayServer.start(ConfigLoader.load(config));
      return new TestGateway(dir, dir.resolve("ca.pem"), config, issuer, server);
    }
  }
}
