package dev.grpcedge.examples.android;

import dev.grpcedge.client.BearerCredentials;
import dev.grpcedge.client.ClientCredentialsConfig;
import dev.grpcedge.client.EdgeChannelBuilder;
import dev.grpcedge.client.TokenSources;
import dev.grpcedge.greeter.proto.GreeterGrpc;
import dev.grpcedge.greeter.proto.HelloReply;
import dev.grpcedge.greeter.proto.HelloRequest;
import io.grpc.CallCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A caller as an Android app writes it: grpc-edge's client library, grpc-okhttp and lite stubs, nothing else. It
 * gets its own token by OAuth2 client credentials and greets once.
 *
 * <p>usage: {@code GreeterApp TARGET CA_FILE TOKEN_URL CLIENT_ID NAME}, the client secret in
 * {@code $GRPC_EDGE_CLIENT_SECRET}.
 */
public final class GreeterApp {
  private GreeterApp() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length != 5) {
      System.err.println("usage: GreeterApp TARGET CA_FILE TOKEN_URL CLIENT_ID NAME");
      System.exit(2);
    }
    ManagedChannel channel = EdgeChannelBuilder.forTarget(args[0])
        .caFile(Path.of(args[1]))
        .transport(EdgeChannelBuilder.Transport.OKHTTP)
        .build();
    CallCredentials bearer = BearerCredentials.from(TokenSources.clientCredentials(
        ClientCredentialsConfig.builder(URI.create(args[2]), args[3], System.getenv("GRPC_EDGE_CLIENT_SECRET"))
            .scopes(List.of("greet"))
            .build()));
    try {
      HelloReply reply = GreeterGrpc.newBlockingStub(channel).withCallCredentials(bearer)
          .withDeadlineAfter(10, TimeUnit.SECONDS)
          .sayHello(HelloRequest.newBuilder().setName(args[4]).build());
      System.out.println(reply.getMessage());
    } catch (StatusRuntimeException e) {
      System.err.println("GreeterApp: " + e.getStatus());
      System.exit(1);
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }
}
