package dev.grpcedge.client;

import static java.util.Objects.requireNonNull;

import dev.grpcedge.tls.TlsContexts;
import dev.grpcedge.tls.TlsException;
import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.netty.NettyChannelBuilder;
import io.grpc.okhttp.OkHttpChannelBuilder;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Builds a TLS channel to a grpc-edge gateway on the Netty transport (servers, desktops) or the OkHttp transport
 * (what Android apps use), trusting a PEM CA bundle or the system trust store.
 *
 * <pre>{@code
 * ManagedChannel channel = EdgeChannelBuilder.forTarget("edge.example.com:443")
 *     .caFile(Path.of("ca.pem"))              // omit to trust the system store
 *     .transport(EdgeChannelBuilder.Transport.OKHTTP)
 *     .build();
 * }</pre>
 */
public final class EdgeChannelBuilder {
  /** The grpc-java transport a channel runs on. */
  public enum Transport {
    /** grpc-netty with BoringSSL (netty-tcnative) where it loads: TLS 1.2 and 1.3. */
    NETTY,
    /** grpc-okhttp with the JDK's (or Android's) TLS: the mobile transport. */
    OKHTTP
  }

  private final String target;
  private Path caFile;
  private Path certFile;
  private Path keyFile;
  private Transport transport = Transport.NETTY;

  private EdgeChannelBuilder(String target) {
    this.target = requireNonNull(target, "target");
  }

  /** A builder for {@code target}, {@code host:port} or any grpc target URI. */
  public static EdgeChannelBuilder forTarget(String target) {
    return new EdgeChannelBuilder(target);
  }

  /** Trusts only the CA certificates in this PEM file; null (the default) trusts the system trust store. */
  public EdgeChannelBuilder caFile(Path caFile) {
    this.caFile = caFile;
    return this;
  }

  /**
   * Presents the client certificate chain {@code certFile} with its PKCS#8 key {@code keyFile}, for gateways with
   * {@code tls.client_auth}; both null (the default) presents none.
   */
  public EdgeChannelBuilder clientCertificate(Path certFile, Path keyFile) {
    if ((certFile == null) != (keyFile == null)) {
      throw new IllegalArgumentException("a client certificate needs both --cert and --key");
    }
    this.certFile = certFile;
    this.keyFile = keyFile;
    return this;
  }

  /** The transport, {@link Transport#NETTY} by default. */
  public EdgeChannelBuilder transport(Transport transport) {
    this.transport = requireNonNull(transport, "transport");
    return this;
  }

  /** Builds the channel; a CA file that cannot be read fails here with a {@link TlsException} naming it. */
  public ManagedChannel build() {
    requireFile(caFile, "CA bundle");
    requireFile(certFile, "client certificate");
    requireFile(keyFile, "client key");
    return switch (transport) {
      case NETTY -> NettyChannelBuilder.forTarget(target)
          .sslContext(TlsContexts.client(file(caFile), file(certFile), file(keyFile)))
          .build();
      case OKHTTP -> OkHttpChannelBuilder.forTarget(target, okHttpCredentials()).build();
    };
  }

  /** grpc's TLS credentials: OkHttp turns them into an SSLSocketFactory over a trust manager for the CA. */
  private ChannelCredentials okHttpCredentials() {
    TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
    if (caFile != null) {
      try {
        builder.trustManager(caFile.toFile());
      } catch (IOException | RuntimeException e) {
        throw new TlsException(caFile + ": cannot read the CA bundle: " + e.getMessage(), e);
      }
    }
    if (certFile != null) {
      try {
        builder.keyManager(certFile.toFile(), keyFile.toFile());
      } catch (IOException | RuntimeException e) {
        throw new TlsException(certFile + ", " + keyFile + ": cannot read the client certificate: " + e.getMessage(), e);
      }
    }
    return builder.build();
  }

  private static void requireFile(Path path, String what) {
    if (path != null && !java.nio.file.Files.isReadable(path)) {
      throw new TlsException(path + ": " + what + " file not found"
          + (java.nio.file.Files.exists(path) ? " (it exists but cannot be read)" : ""));
    }
  }

  private static java.io.File file(Path path) {
    return path == null ? null : path.toFile();
  }
}
