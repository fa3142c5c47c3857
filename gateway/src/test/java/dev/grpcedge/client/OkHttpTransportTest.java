package dev.grpcedge.client;

import static dev.grpcedge.testing.GreeterCalls.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.testing.GreeterCalls;
import dev.grpcedge.testing.ProviderGateway;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The mobile transport: grpc-okhttp over the JDK's TLS, with the gateway's CA and provider tokens. */
class OkHttpTransportTest {
  @TempDir static Path dir;
  @RegisterExtension static final ProviderGateway env = new ProviderGateway();

  static ManagedChannel okHttp(Path caFile) {
    return EdgeChannelBuilder.forTarget(env.gateway().target()).caFile(caFile)
        .transport(EdgeChannelBuilder.Transport.OKHTTP).build();
  }

  @Test
  void okHttpClientGreetsWithAllFourRpcKinds() throws Exception {
    ManagedChannel channel = okHttp(env.gateway().caFile());
    try {
      GreeterCalls.assertAllFourKindsGreet(channel, BearerCredentials.from(TokenSources.clientCredentials(
          ClientCredentialsConfig.builder(env.provider().tokenUrl(), "android-app", "secret").build())));
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void okHttpWithTheSystemTrustStoreRefusesTheTestCa() {
    ManagedChannel channel = okHttp(null);
    try {
      var e = assertThrows(StatusRuntimeException.class, () -> GreeterGrpc.newBlockingStub(channel)
          .withCallCredentials(BearerCredentials.of(env.gateway().token("greet")))
          .withDeadlineAfter(10, TimeUnit.SECONDS).sayHello(request("Ann")));
      assertEquals(Status.Code.UNAVAILABLE, e.getStatus().getCode());
    } finally {
      channel.shutdownNow();
    }
  }

  @Test
  void unreadableCaFileFailsWhereTheChannelIsBuilt() {
    var e = assertThrows(IllegalArgumentException.class, () -> okHttp(dir.resolve("missing-ca.pem")));
    assertEquals(dir.resolve("missing-ca.pem") + ": CA bundle file not found", e.getMessage());
  }
}
