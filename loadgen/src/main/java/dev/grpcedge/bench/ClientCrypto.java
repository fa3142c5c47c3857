package dev.grpcedge.bench;

import java.security.Security;
import org.conscrypt.Conscrypt;

/**
 * Makes the load generator's own certificate checks cheap. Every new TLS connection makes the client verify the
 * server's ECDSA certificate chain; with the JDK 17 provider that alone caps one client core at a few hundred
 * handshakes per second, so the client, not the server, would be measured.
 */
public final class ClientCrypto {
  private ClientCrypto() {}

  /** Puts Conscrypt (BoringSSL) first among this JVM's JCA providers; returns false when it cannot load. */
  public static boolean preferBoringSsl() {
    try {
      if (!Conscrypt.isAvailable()) {
        return false;
      }
      Security.insertProviderAt(Conscrypt.newProvider(), 1);
      return true;
    } catch (LinkageError | RuntimeException e) {
      return false;
    }
  }
}
