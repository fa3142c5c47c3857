package dev.grpcedge.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jwt.SignedJWT;
import dev.grpcedge.auth.Principal;
import dev.grpcedge.client.upstream.EdgeIdentity;
import dev.grpcedge.client.upstream.EdgeIdentityInterceptor;
import dev.grpcedge.config.IdentityConfig;
import dev.grpcedge.greeter.GreeterService;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.server.GatewayServer;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.TestPki;
import dev.grpcedge.testing.WebClient;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The caller's identity, not the caller's token, goes upstream: a real upstream Greeter behind
 * {@link EdgeIdentityInterceptor}, which fetches the gateway's keys from its web listener over TLS.
 */
class UpstreamIdentityTest {
  @TempDir Path dir;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  /** What reached the upstream's service: the identity in its context, and the headers. */
  private final List<EdgeIdentity> identities = new CopyOnWriteArrayList<>();
  private final List<Metadata> headers = new CopyOnWriteArrayList<>();
  /** Set once the gateway's web port is known. */
  private final AtomicReference<EdgeIdentityInterceptor> edge = new AtomicReference<>();
  private Server upstream;
  private Path keys;

  @BeforeEach
  void startUpstream() throws Exception {
    keys = Files.createDirectories(dir.resolve("identity"));
    newKey("identity-1.key");
    ServerInterceptor recorder = new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata h,
          ServerCallHandler<ReqT, RespT> next) {
        identities.add(EdgeIdentity.current());
        headers.add(h);
        return next.startCall(call, h);
      }
    };
    ServerInterceptor verifier = new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata h,
          ServerCallHandler<ReqT, RespT> next) {
        return edge.get().interceptCall(call, h, next);
      }
    };
    upstream = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .addService(ServerInterceptors.intercept(new GreeterService(scheduler), recorder, verifier))
        .build().start();
  }

  @AfterEach
  void stop() {
    upstream.shutdownNow();
    scheduler.shutdownNow();
  }

  private Path newKey(String name) {
    return TestPki.writePem(keys.resolve(name), List.of(TestPki.ecKeys().getPrivate()));
  }

  private TestGateway gateway(String publishAhead) {
    int port = ((InetSocketAddress) upstream.getListenSockets().get(0)).getPort();
    TestGateway gateway = TestGateway.in(dir).web("").tls("  reload_interval: 100ms\n").routing("""
        upstreams:
          greeters:
            targets: ["127.0.0.1:%d"]
            plaintext: true
            health_check: false
        routes:
          - {methods: ["greeter.Greeter/*"], upstream: greeters}
        identity:
          keys: identity
          issuer: https://edge.test
          publish_ahead: %s
        """.formatted(port, publishAhead)).start();
    edge.set(EdgeIdentityInterceptor.newBuilder().issuer("https://edge.test").audience("greeters")
        .jwksUrl(URI.create("https://localhost:" + gateway.webPort() + GatewayServer.JWKS_PATH), gateway.caFile())
        .refetchInterval(Duration.ofMillis(100))
        .build());
    return gateway;
  }

  private static HelloRequest hello(String name) {
    return HelloRequest.newBuilder().setName(name).build();
  }

  private String lastToken() {
    return headers.get(headers.size() - 1).get(EdgeIdentityInterceptor.HEADER);
  }

  @Test
  void theUpstreamGetsTheVerifiedCallerSignedByTheGatewayAndNeverTheToken() throws Exception {
    try (TestGateway gateway = gateway("1m")) {
      assertEquals("Hello, A!", gateway.blockingStub(gateway.token("greet")).sayHello(hello("A")).getMessage());
      EdgeIdentity identity = identities.get(0);
      assertEquals("alice", identity.subject());
      assertEquals(Set.of("greet"), identity.scopes());
      assertEquals(TestGateway.ISSUER, identity.originalIssuer());
      assertNull(identity.clientCertificateSubject());
      Metadata seen = headers.get(0);
      assertNull(seen.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)));
      SignedJWT jwt = SignedJWT.parse(lastToken());
      assertEquals("grpc-edge-identity+jwt", jwt.getHeader().getType().getType());
      assertEquals(List.of("greeters"), jwt.getJWTClaimsSet().getAudience());
      long lifetime = (jwt.getJWTClaimsSet().getExpirationTime().getTime()
          - jwt.getJWTClaimsSet().getIssueTime().getTime()) / 1000;
      assertTrue(lifetime > 0 && lifetime <= 60, "lifetime " + lifetime + " s");
    }
  }

  @Test
  void callsThatDoNotComeThroughTheGatewayAreRefused() throws Exception {
    try (TestGateway gateway = gateway("1m")) {
      // A caller that sends its own identity header through the gateway: the upstream sees the gateway's only.
      Metadata forged = new Metadata();
      forged.put(EdgeIdentityInterceptor.HEADER, "forged");
      assertEquals("Hello, F!", gateway.blockingStub(gateway.token("greet"))
          .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(forged)).sayHello(hello("F")).getMessage());
      assertEquals(1, count(headers.get(0).getAll(EdgeIdentityInterceptor.HEADER)));
      String genuine = lastToken();

      int port = ((InetSocketAddress) upstream.getListenSockets().get(0)).getPort();
      ManagedChannel direct = io.grpc.netty.NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build();
      try {
        assertRefused(direct, null, "calls must come through grpc-edge");
        assertRefused(direct, "forged", "the grpc-edge identity token is not valid");
        // Signed by a key the gateway does not publish, with every claim right.
        Path otherKeys = Files.createDirectories(dir.resolve("other"));
        TestPki.writePem(otherKeys.resolve("k.key"), List.of(TestPki.ecKeys().getPrivate()));
        IdentityConfig other = new IdentityConfig(otherKeys, "https://edge.test", Duration.ofSeconds(60),
            Duration.ZERO);
        assertRefused(direct, tokens(other).tokenFor(alice(), null, "greeters"), "not valid");
        // The gateway's own key, for another upstream.
        IdentityConfig same = new IdentityConfig(keys, "https://edge.test", Duration.ofSeconds(60), Duration.ZERO);
        assertRefused(direct, tokens(same).tokenFor(alice(), null, "billing"), "not valid");
        // The genuine token passes straight to the upstream too: it is the audience's to accept.
        assertEquals("Hello, D!", call(direct, genuine));
      } finally {
        direct.shutdownNow();
      }
    }
  }

  @Test
  void oneTokenPerCallerIsReusedAndEachCallerHasItsOwn() throws Exception {
    try (TestGateway gateway = gateway("1m")) {
      var alice = gateway.blockingStub(gateway.token("greet"));
      for (int i = 0; i < 3; i++) {
        alice.sayHello(hello("a"));
      }
      String bobsToken = gateway.issuer().token().sub("bob").scopes("greet").sign();
      gateway.blockingStub(bobsToken).sayHello(hello("b"));
      List<String> tokens = headers.stream().map(h -> h.get(EdgeIdentityInterceptor.HEADER)).toList();
      assertEquals(tokens.get(0), tokens.get(1));
      assertEquals(tokens.get(0), tokens.get(2));
      assertNotEquals(tokens.get(0), tokens.get(3));
      assertEquals(List.of("alice", "alice", "alice", "bob"), identities.stream().map(EdgeIdentity::subject).toList());
    }
  }

  @Test
  void aNewKeyIsPublishedFirstThenSignsWithoutARestart() throws Exception {
    try (TestGateway gateway = gateway("2s")) {
      var stub = gateway.blockingStub(gateway.token("greet"));
      stub.sayHello(hello("before"));
      String oldKid = SignedJWT.parse(lastToken()).getHeader().getKeyID();
      WebClient web = new WebClient(gateway.webPort(), gateway.caFile(), HttpClient.Version.HTTP_1_1);
      assertEquals(1, jwks(web).getKeys().size());

      newKey("identity-2.key");
      long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (jwks(web).getKeys().size() < 2 && System.nanoTime() < until) {
        Thread.sleep(50);
      }
      assertEquals(2, jwks(web).getKeys().size(), "the new key is published");
      // Published, but not signing yet: a fresh caller still gets a token from the old key.
      gateway.blockingStub(gateway.issuer().token().sub("carol").scopes("greet").sign()).sayHello(hello("c"));
      assertEquals(oldKid, SignedJWT.parse(lastToken()).getHeader().getKeyID());

      until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      String kid = oldKid;
      while (kid.equals(oldKid) && System.nanoTime() < until) {
        Thread.sleep(200);
        stub.sayHello(hello("after"));
        kid = SignedJWT.parse(lastToken()).getHeader().getKeyID();
      }
      assertNotEquals(oldKid, kid, "tokens are signed with the new key");
      assertTrue(jwks(web).getKeyByKeyId(kid) != null);
      // The upstream took the new key's token (it fetched the key set again for the unseen kid).
      assertEquals("alice", identities.get(identities.size() - 1).subject());
    }
  }

  @Test
  void aMissingOrBadKeyFolderStopsStartUpNamingTheKey() throws Exception {
    Files.writeString(keys.resolve("identity-1.key"), "not a key");
    var bad = assertThrows(dev.grpcedge.config.ConfigException.class, () -> gateway("1m"));
    assertTrue(bad.getMessage().startsWith("identity.keys: ") && bad.getMessage().contains("identity-1.key"),
        bad.getMessage());
    Files.delete(keys.resolve("identity-1.key"));
    var none = assertThrows(dev.grpcedge.config.ConfigException.class, () -> gateway("1m"));
    assertTrue(none.getMessage().contains("no *.key file in") && none.getMessage().contains("gen-identity-key"),
        none.getMessage());
  }

  private static JWKSet jwks(WebClient web) throws Exception {
    var response = web.send(web.request(GatewayServer.JWKS_PATH, Map.of()).GET().build());
    assertEquals(200, response.statusCode());
    JWKSet set = JWKSet.parse(new String(response.body(), StandardCharsets.UTF_8));
    set.getKeys().forEach(k -> assertTrue(!k.isPrivate(), "a private key was published"));
    return set;
  }

  private static IdentityTokens tokens(IdentityConfig config) {
    return new IdentityTokens(SigningKeys.load(config, Clock.systemUTC()), config, Clock.systemUTC());
  }

  private static Principal alice() {
    return new Principal("alice", Set.of("greet"), TestGateway.ISSUER, Instant.now().plusSeconds(300), null);
  }

  private static int count(Iterable<String> values) {
    int n = 0;
    for (String ignored : values) {
      n++;
    }
    return n;
  }

  private static String call(ManagedChannel channel, String identity) {
    Metadata h = new Metadata();
    if (identity != null) {
      h.put(EdgeIdentityInterceptor.HEADER, identity);
    }
    return GreeterGrpc.newBlockingStub(channel).withInterceptors(MetadataUtils.newAttachHeadersInterceptor(h))
        .withDeadlineAfter(5, TimeUnit.SECONDS).sayHello(hello("D")).getMessage();
  }

  private static void assertRefused(ManagedChannel channel, String identity, String description) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> call(channel, identity));
    assertEquals(Status.Code.UNAUTHENTICATED, e.getStatus().getCode());
    assertTrue(e.getStatus().getDescription().contains(description), e.getStatus().toString());
  }
}
