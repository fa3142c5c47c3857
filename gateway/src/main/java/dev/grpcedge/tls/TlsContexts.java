package dev.grpcedge.tls;

import dev.grpcedge.config.TlsConfig;
import io.grpc.netty.GrpcSslContexts;
import io.netty.handler.ssl.ClientAuth;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import java.io.File;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the Netty {@link SslContext}s for the gateway's listener and for its clients. */
public final class TlsContexts {
  private static final Logger log = LoggerFactory.getLogger(TlsContexts.class);

  /** TLS 1.2 and 1.3 only: 1.0 and 1.1 are deprecated (RFC 8996). */
  public static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

  /**
   * Mozilla "intermediate" TLS 1.2 suites, ECDHE with AEAD only (no DHE: its parameters are slow and often weak).
   * TLS 1.3 suites are all AEAD and need no list.
   */
  public static final List<String> CIPHERS = List.of(
      "TLS_AES_128_GCM_SHA256",
      "TLS_AES_256_GCM_SHA384",
      "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private TlsContexts() {}

  /**
   * Chooses the provider the config asks for. BoringSSL is required unless {@code tls.allow_jdk_fallback} is
   * set: silently falling back would change the cipher, performance and memory profile of the edge.
   */
  public static SslProvider provider(TlsConfig config) {
    if (config.provider() == TlsConfig.Provider.JDK) {
      return SslProvider.JDK;
    }
    if (OpenSsl.isAvailable()) {
      return SslProvider.OPENSSL;
    }
    Throwable cause = OpenSsl.unavailabilityCause();
    if (config.allowJdkFallback()) {
      log.warn("BoringSSL (netty-tcnative) could not load ({}); using the JDK TLS provider as tls.allow_jdk_fallback allows",
          String.valueOf(cause));
      return SslProvider.JDK;
    }
    throw new TlsException("BoringSSL (netty-tcnative) could not load: " + cause
        + "; set tls.allow_jdk_fallback: true to run on the JDK provider", cause);
  }

  /** What a listener offers in ALPN: native gRPC (h2 alone), or the web bridge (h2 and http/1.1, for browsers). */
  public enum Alpn {
    GRPC,
    WEB
  }

  /** A server context for {@code certificate} on {@code provider}, with ALPN h2, TLS 1.2+ and AEAD ciphers. */
  public static SslContext server(ServerCertificate certificate, SslProvider provider) {
    return server(certificate, provider, TlsConfig.ClientAuth.NONE, List.of());
  }

  /**
   * A server context as {@link #server(ServerCertificate, SslProvider)} that also asks for client certificates
   * ({@code clientAuth}) chaining to one of {@code clientCas}.
   */
  public static SslContext server(ServerCertificate certificate, SslProvider provider,
      TlsConfig.ClientAuth clientAuth, List<X509Certificate> clientCas) {
    return server(certificate, provider, clientAuth, clientCas, Alpn.GRPC);
  }

  /** As {@link #server(ServerCertificate, SslProvider, TlsConfig.ClientAuth, List)}, offering {@code alpn}. */
  public static SslContext server(ServerCertificate certificate, SslProvider provider,
      TlsConfig.ClientAuth clientAuth, List<X509Certificate> clientCas, Alpn alpn) {
    try {
      SslContextBuilder builder = SslContextBuilder.forServer(
          certificate.key(), certificate.chain().toArray(new X509Certificate[0]));
      if (clientAuth != TlsConfig.ClientAuth.NONE) {
        builder.trustManager(clientCas.toArray(new X509Certificate[0]))
            .clientAuth(clientAuth == TlsConfig.ClientAuth.REQUIRE ? ClientAuth.REQUIRE : ClientAuth.OPTIONAL);
      }
      SslContextBuilder configured = alpn == Alpn.GRPC ? GrpcSslContexts.configure(builder, provider)
          : builder.sslProvider(provider).applicationProtocolConfig(new ApplicationProtocolConfig(
              ApplicationProtocolConfig.Protocol.ALPN,
              ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
              ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
              ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1));
      return configured
          .protocols(PROTOCOLS)
          .ciphers(CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
          .build();
    } catch (SSLException e) {
      throw new TlsException("cannot build the server TLS context: " + e.getMessage(), e);
    }
  }

  /** A client context that trusts the CA certificates in {@code caFile}, or the system trust store when null. */
  public static SslContext client(File caFile) {
    return client(caFile, null, null);
  }

  /**
   * A client context as {@link #client(File)} that presents the client certificate chain {@code certFile} with
   * its PKCS#8 key {@code keyFile} when both are given.
   */
  public static SslContext client(File caFile, File certFile, File keyFile) {
    if ((certFile == null) != (keyFile == null)) {
      throw new TlsException("a client certificate needs both a certificate file and a key file");
    }
    try {
      SslContextBuilder builder = GrpcSslContexts.forClient().protocols(PROTOCOLS);
      if (caFile != null) {
        builder.trustManager(caFile);
      }
      if (certFile != null) {
        ServerCertificate identity = ServerCertificate.load(certFile.toPath(), keyFile.toPath(), java.time.Instant.now());
        builder.keyManager(identity.key(), identity.chain().toArray(new X509Certificate[0]));
      }
      return builder.build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new TlsException((caFile == null ? "system trust store" : caFile.toString())
          + ": cannot build the client TLS context: " + e.getMessage(), e);
    }
  }

  /** A one-line description of the provider for the start-up log, e.g. {@code BoringSSL (OpenSSL 1.1.1 ...)}. */
  public static String describe(SslProvider provider) {
    if (provider == SslProvider.JDK) {
      return "JDK " + System.getProperty("java.version");
    }
    return OpenSsl.versionString() + " via netty-tcnative";
  }
}
