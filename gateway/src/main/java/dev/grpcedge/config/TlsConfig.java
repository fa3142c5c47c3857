package dev.grpcedge.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import java.time.Duration;

/**
 * TLS material and provider for the listener.
 *
 * @param certChain PEM certificate chain, leaf first
 * @param privateKey PKCS#8 PEM private key of the leaf
 * @param provider which TLS implementation to use
 * @param allowJdkFallback whether to fall back to the JDK provider when BoringSSL cannot load
 * @param reloadInterval how often the certificate, key and client CA files are checked for changes
 * @param expiryWarning a warning is logged when the serving certificate expires within this
 * @param clientAuth whether clients must, may or cannot present a certificate
 * @param clientCa PEM bundle of the CAs that client certificates must chain to; null when client auth is none
 */
public record TlsConfig(Path certChain, Path privateKey, Provider provider, boolean allowJdkFallback,
    Duration reloadInterval, Duration expiryWarning, ClientAuth clientAuth, Path clientCa) {
  public static final Duration DEFAULT_RELOAD_INTERVAL = Duration.ofSeconds(2);
  public static final Duration DEFAULT_EXPIRY_WARNING = Duration.ofDays(14);

  /** The TLS implementation. BoringSSL (through netty-tcnative) is the default and the one to deploy. */
  public enum Provider {
    OPENSSL,
    JDK
  }

  /** Client certificates: not asked for, checked when sent, or required for the handshake to succeed. */
  public enum ClientAuth {
    NONE,
    OPTIONAL,
    REQUIRE
  }

  public TlsConfig {
    requireNonNull(certChain, "tls.cert");
    requireNonNull(privateKey, "tls.key");
    requireNonNull(provider, "tls.provider");
    requireNonNull(reloadInterval, "tls.reload_interval");
    requireNonNull(expiryWarning, "tls.expiry_warning");
    requireNonNull(clientAuth, "tls.client_auth");
    if (clientAuth != ClientAuth.NONE) {
      requireNonNull(clientCa, "tls.client_ca");
    }
  }

  /** Server TLS only, with the default reload interval and expiry warning. */
  public TlsConfig(Path certChain, Path privateKey, Provider provider, boolean allowJdkFallback) {
    this(certChain, privateKey, provider, allowJdkFallback, DEFAULT_RELOAD_INTERVAL, DEFAULT_EXPIRY_WARNING,
        ClientAuth.NONE, null);
  }
}
