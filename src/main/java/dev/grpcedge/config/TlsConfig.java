package dev.grpcedge.config;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * TLS material and provider for the listener.
 *
 * @param certChain PEM certificate chain, leaf first
 * @param privateKey PKCS#8 PEM private key of the leaf
 * @param provider which TLS implementation to use
 * @param allowJdkFallback whether to fall back to the JDK provider when BoringSSL cannot load
 */
public record TlsConfig(Path certChain, Path privateKey, Provider provider, boolean allowJdkFallback) {
  /** The TLS implementation. BoringSSL (through netty-tcnative) is the default and the one to deploy. */
  public enum Provider {
    OPENSSL,
    JDK
  }

  public TlsConfig {
    requireNonNull(certChain, "tls.cert");
    requireNonNull(privateKey, "tls.key");
    requireNonNull(provider, "tls.provider");
  }
}
