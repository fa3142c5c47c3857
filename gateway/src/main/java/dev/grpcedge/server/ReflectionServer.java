package dev.grpcedge.server;

import dev.grpcedge.route.IdentityTokens;
import dev.grpcedge.route.Reflection;
import dev.grpcedge.route.RouteRegistry;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.protobuf.services.ProtoReflectionServiceV1;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.UUID;

/** Sets up {@link Reflection}: grpc-java's own reflection over the built-in services, on an in-process server. */
final class ReflectionServer {
  private ReflectionServer() {}

  /** The gateway's reflection service; what it opens is registered in {@code resources}. */
  static Reflection start(List<ServerServiceDefinition> builtIn, RouteRegistry routes, IdentityTokens identity,
      Resources resources) {
    String name = "grpc-edge-reflection-" + UUID.randomUUID();
    InProcessServerBuilder local = InProcessServerBuilder.forName(name).directExecutor()
        .addService(ProtoReflectionServiceV1.newInstance());
    builtIn.forEach(local::addService);
    try {
      Server server = local.build().start();
      resources.add(server, server::shutdownNow);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    var channel = InProcessChannelBuilder.forName(name).directExecutor().build();
    resources.add(channel, channel::shutdownNow);
    return new Reflection(channel, routes.upstreamByService(), identity);
  }
}
