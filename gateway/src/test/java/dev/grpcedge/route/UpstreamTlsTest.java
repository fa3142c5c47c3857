package dev.grpcedge.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.config.ConfigException;
import dev.grpcedge.greeter.GreeterService;
import dev.grpcedge.greeter.proto.HelloRequest;
import dev.grpcedge.testing.TestGateway;
import dev.grpcedge.testing.TestPki;
import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.NettyServerBuilder;
import io.netty.handler.ssl.ClientAuth;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.net.ssl.SSLSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** TLS to the upstream is the default: its CA and name are checked, and the gateway shows its own certificate. */
class UpstreamTlsTest {
  @TempDir Path dir;

  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
  private final List<String> clientSubjects = new CopyOnWriteArrayList<>();
  private TestPki upstreamPki;
  private Server upstream;

  @BeforeEach
  void startUpstream() throws Exception {
    upstreamPki = TestPki.create("upstream CA");
    upstreamPki.writeCa(dir.resolve("upstream-ca.pem"));
    Path[] server = upstreamPki.issueServer().write(dir, "upstream");
    upstreamPki.issueClient("grpc-edge", "gateway.internal").write(dir, "gateway-client");
    ServerInterceptor peer = new ServerInterceptor() {
      @Override
      public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
          ServerCallHandler<ReqT, RespT> next) {
        try {
          SSLSession tls = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
          clientSubjects.add(tls.getPeerPrincipal().getName());
        } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
          clientSubjects.add("none");
        }
        return next.startCall(call, headers);
      }
    };
    // Mutual TLS: the upstream takes calls only from a client certificate its CA signed.
    upstream = NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
        .sslContext(GrpcSslContexts.forServer(server[0].toFile(), server[1].toFile())
            .trustManager(dir.resolve("upstream-ca.pem").toFile()).clientAuth(ClientAuth.REQUIRE).build())
        .addService(ServerInterceptors.intercept(new GreeterService(scheduler), peer))
        .build().start();
  }

  @AfterEach
  void stop() {
    upstream.shutdownNow();
    scheduler.shutdownNow();
  }

  private TestGateway gateway(String tlsKeys) {
    int port = ((InetSocketAddress) upstream.getListenSockets().get(0)).getPort();
    return TestGateway.in(dir).routing("""
        upstreams:
          greeters:
            targets: ["127.0.0.1:%d"]
            health_check: false
        %s
        routes:
          - {methods: ["greeter.Greeter/*"], upstream: greeters}
        """.formatted(port, tlsKeys)).start();
  }

  @Test
  void theGatewayReachesAMutualTlsUpstreamWithItsClientCertificate() throws Exception {
    try (TestGateway gateway = gateway("""
            ca: upstream-ca.pem
            authority: localhost
            client_cert: gateway-client.pem
            client_key: gateway-client.key
        """)) {
      assertEquals("Hello, M!", gateway.blockingStub(gateway.token("greet"))
          .sayHello(HelloRequest.newBuilder().setName("M").build()).getMessage());
      assertEquals(List.of("CN=grpc-edge"), clientSubjects);
    }
  }

  @Test
  void anUpstreamOfAnotherCaOrWithoutTheClientCertificateIsUnavailableAndNamesNothing() throws Exception {
    // The gateway's own CA does not sign the upstream's certificate.
    try (TestGateway gateway = gateway("""
            ca: ca.pem
            client_cert: gateway-client.pem
            client_key: gateway-client.key
        """)) {
      assertUnavailable(gateway);
    }
    try (TestGateway gateway = gateway("    ca: upstream-ca.pem\n    authority: localhost\n")) {
      assertUnavailable(gateway);
    }
    assertEquals(List.of(), clientSubjects, "no call reached the upstream");
  }

  @Test
  void aMissingCaFileStopsStartUpNamingTheKey() {
    ConfigException e = assertThrows(ConfigException.class, () -> gateway("    ca: nowhere/ca.pem\n"));
    assertTrue(e.getMessage().startsWith("upstreams.greeters.ca: cannot read "), e.getMessage());
  }

  private static void assertUnavailable(TestGateway gateway) {
    StatusRuntimeException e = assertThrows(StatusRuntimeException.class, () -> gateway
        .blockingStub(gateway.token("greet")).sayHello(HelloRequest.newBuilder().setName("x").build()));
    assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    assertEquals("upstream greeters is unavailable", e.getStatus().getDescription());
  }
}
