package dev.grpcedge.client;

import static java.util.Objects.requireNonNull;

import io.grpc.ChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.TlsChannelCredentials;
import io.grpc.okhttp.OkHttpChannelBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds a TLS channel to a grpc-edge gateway on the OkHttp transport (what Android apps use) or the Netty
 * transport (servers and desktops that have grpc-netty), trusting a PEM CA bundle or the system trust store.
 *
 * <pre>{@code
 * ManagedChannel channel = EdgeChannelBuilder.forTarget("edge.example.com:443")
 *     .caFile(Path.of("ca.pem"))              // omit to trust the system store
 *     .transport(EdgeChannelBuilder.Transport.OKHTTP)
 *     .build();
 * }</pre>
 *
 * <p>Both transports get the same {@link TlsChannelCredentials}: TLS 1.2 or 1.3 with the platform's (or, on Netty
 * with netty-tcnative, BoringSSL's) defaults, and the server's name checked against its certificate.
 */
public final class EdgeChannelBuilder {
  /** The grpc-java transport a channel runs on. */
  public enum Transport {
    /** grpc-netty, with BoringSSL where netty-tcnative is present; needs grpc-netty on the class path. */
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

  /**
   * Builds the channel.
   *
   * @throws IllegalArgumentException naming the file when a CA, certificate or key file cannot be read or used
   */
  public ManagedChannel build() {
    ChannelCredentials credentials = credentials();
    if (transport == Transport.OKHTTP) {
      return OkHttpChannelBuilder.forTarget(target, credentials).build();
    }
    return NettyChannels.forTarget(target, credentials);
  }

  private ChannelCredentials credentials() {
    requireFile(caFile, "CA bundle");
    requireFile(certFile, "client certificate");
    requireFile(keyFile, "client key");
    TlsChannelCredentials.Builder builder = TlsChannelCredentials.newBuilder();
    if (caFile != null) {
      try {
        builder.trustManager(caFile.toFile());
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(caFile + ": not a PEM CA bundle (" + e.getMessage() + ")", e);
      }
    }
    if (certFile != null) {
      try {
        builder.keyManager(certFile.toFile(), keyFile.toFile());
      } catch (IOException | RuntimeException e) {
        throw new IllegalArgumentException(certFile + ", " + keyFile + ": not a PEM certificate chain and PKCS#8 key ("
            + e.getMessage() + ")", e);
      }
    }
    return builder.build();
  }

  private static void requireFile(Path path, String what) {
    if (path != null && !Files.isReadable(path)) {
      throw new IllegalArgumentException(path + ": " + what + " file not found"
          + (Files.exists(path) ? " (it exists but cannot be read)" : ""));
    }
  }

  /** Kept apart so that grpc-netty is loaded only when {@link Transport#NETTY} is asked for. */
  private static final class NettyChannels {
    static ManagedChannel forTarget(String target, ChannelCredentials credentials) {
      try {
        return io.grpc.netty.NettyChannelBuilder.forTarget(target, credentials).build();
      } catch (NoClassDefFoundError e) {
        throw new IllegalStateException("Transport.NETTY needs io.grpc:grpc-netty on the class path; Android apps"
            + " use Transport.OKHTTP", e);
      }
    }
  }
}
