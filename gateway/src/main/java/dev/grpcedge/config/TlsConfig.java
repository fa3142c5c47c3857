package dev.grpcedge.config;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonProperty;
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

  /** Binds the {@code tls} section; relative paths were resolved against the config file's folder. */
  @JsonCreator
  static TlsConfig bind(@JsonProperty("cert") Path cert, @JsonProperty("key") Path key,
      @JsonProperty("provider") Provider provider, @JsonProperty("allow_jdk_fallback") Boolean allowJdkFallback,
      @JsonProperty("reload_interval") Duration reloadInterval, @JsonProperty("expiry_warning") Duration expiryWarning,
      @JsonProperty("client_auth") ClientAuth clientAuth, @JsonProperty("client_ca") Path clientCa) {
    if (cert == null) {
      throw new ConfigException("cert", "is required (PEM certificate chain)");
    }
    if (key == null) {
      throw new ConfigException("key", "is required (PKCS#8 PEM private key)");
    }
    ClientAuth auth = clientAuth == null ? ClientAuth.NONE : clientAuth;
    if (auth != ClientAuth.NONE && clientCa == null) {
      throw new ConfigException("client_ca", "is required when client_auth is "
          + auth.name().toLowerCase(java.util.Locale.ROOT) + " (PEM bundle of client CAs)");
    }
    if (auth == ClientAuth.NONE && clientCa != null) {
      // A CA bundle that is never used would suggest client certificates are checked when they are not.
      throw new ConfigException("client_ca", "is set but client_auth is none; set client_auth: optional or require");
    }
    return new TlsConfig(cert, key, provider == null ? Provider.OPENSSL : provider,
        Checks.bool(allowJdkFallback, false),
        Checks.duration("reload_interval", reloadInterval, DEFAULT_RELOAD_INTERVAL, Duration.ofMillis(100),
            Duration.ofHours(1)),
        Checks.duration("expiry_warning", expiryWarning, DEFAULT_EXPIRY_WARNING, Duration.ZERO, Duration.ofDays(365)),
        auth, clientCa);
  }
}
