package dev.grpcedge.auth;

import java.security.Provider;
import java.util.Optional;
import org.conscrypt.Conscrypt;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The BoringSSL-backed JCA provider (Conscrypt) for token signature checks: on JDK 17 the built-in provider
 * verifies ES256 about 20 times slower than RS256, which would make EC-signed tokens an easy way to load the
 * edge, and RS256 about 1.5 times slower than BoringSSL. Empty when Conscrypt's native library cannot load
 * here; the JDK provider is used then.
 */
final class JcaProviders {
  private static final Logger log = LoggerFactory.getLogger(JcaProviders.class);
  private static final Optional<Provider> CONSCRYPT = load();

  private JcaProviders() {}

  static Optional<Provider> signatures() {
    return CONSCRYPT;
  }

  private static Optional<Provider> load() {
    try {
      if (Conscrypt.isAvailable()) {
        return Optional.of(Conscrypt.newProvider());
      }
      log.warn("Conscrypt is not available on this platform; token signatures are verified by the slower JDK provider");
    } catch (LinkageError | RuntimeException e) {
      log.warn("Conscrypt could not load ({}); token signatures are verified by the slower JDK provider", e.toString());
    }
    return Optional.empty();
  }
}
