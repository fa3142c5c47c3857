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

  /**
   * As {@link #tls(String, Path)}, presenting the client certificate chain {@code certFile} with its PKCS#8 key
   * {@code keyFile} (for gateways with {@code tls.client_auth}); both null means no client certificate.
   */
  public static ManagedChannel tls(String target, Path caFile, Path certFile, Path keyFile) {
    return NettyChannelBuilder.forTarget(target)
        .sslContext(TlsContexts.client(file(caFile), file(certFile), file(keyFile)))
        .build();
  }

  private static java.io.File file(Path path) {
    return path == null ? null : path.toFile();
  }
}
