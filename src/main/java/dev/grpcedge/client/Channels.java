package dev.grpcedge.client;

import dev.grpcedge.tls.TlsContexts;
import io.grpc.ManagedChannel;
import io.grpc.netty.NettyChannelBuilder;
import java.nio.file.Path;

/** TLS channels to a grpc-edge gateway. */
public final class Channels {
  private Channels() {}

  /**
   * A Netty TLS channel to {@code target} ({@code host:port}) trusting the CA certificates in {@code caFile}, or
   * the system trust store when it is null.
   */
  public static ManagedChannel tls(String target, Path caFile) {
    return NettyChannelBuilder.forTarget(target)
        .sslContext(TlsContexts.client(caFile == null ? null : caFile.toFile()))
        .build();
  }
}
