package dev.grpcedge.client;

import io.grpc.ManagedChannel;
import java.nio.file.Path;

/** Shorthand for the common case of {@link EdgeChannelBuilder}: a Netty TLS channel. */
public final class Channels {
  private Channels() {}

  /**
   * A Netty TLS channel to {@code target} ({@code host:port}) trusting the CA certificates in {@code caFile}, or
   * the system trust store when it is null.
   */
  public static ManagedChannel tls(String target, Path caFile) {
    return EdgeChannelBuilder.forTarget(target).caFile(caFile).build();
  }

  /**
   * As {@link #tls(String, Path)}, presenting the client certificate chain {@code certFile} with its PKCS#8 key
   * {@code keyFile} (for gateways with {@code tls.client_auth}); both null means no client certificate.
   */
  public static ManagedChannel tls(String target, Path caFile, Path certFile, Path keyFile) {
    return EdgeChannelBuilder.forTarget(target).caFile(caFile).clientCertificate(certFile, keyFile).build();
  }
}
