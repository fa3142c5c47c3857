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

  /** The transport, {@link Transport#NETTY} by default. */
  public EdgeChannelBuilder transport(Transport transport) {
    this.transport = requireNonNull(transport, "transport");
    return this;
  }

  /** Builds the channel; a CA file that cannot be read fails here with a {@link TlsException} naming it. */
  public ManagedChannel build() {
    return switch (transport) {
      case NETTY -> NettyChannelBuilder.forTarget(target)
          .sslContext(TlsContexts.client(caFile == null ? null : caFile.toFile()))
          .build();
      case OKHTTP -> OkHttpChannelBuilder.forTarget(target, okHttpCredentials()).build();
    };
  }

  /** grpc's TLS credentials: OkHttp turns them into an SSLSocketFactory over a trust manager for the CA. */
  private ChannelCredentials okHttpCredentials() {
    if (caFile == null) {
      return TlsChannelCredentials.create();
    }
    try {
      return TlsChannelCredentials.newBuilder().trustManager(caFile.toFile()).build();
    } catch (IOException | RuntimeException e) {
      throw new TlsException(caFile + ": cannot read the CA bundle: " + e.getMessage(), e);
    }
  }
}
