package dev.grpcedge.tls;

import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;

/**
 * The serving certificate as health checks and metrics see it.
 *
 * @param subject the leaf's subject DN
 * @param serial the leaf's serial number in hex
 * @param notAfter when the leaf expires
 * @param loadedAt when this certificate started serving new handshakes
 */
public record CertificateStatus(String subject, String serial, Instant notAfter, Instant loadedAt) {
  static CertificateStatus of(X509Certificate leaf, Instant loadedAt) {
    return new CertificateStatus(leaf.getSubjectX500Principal().getName(), leaf.getSerialNumber().toString(16),
        leaf.getNotAfter().toInstant(), loadedAt);
  }

  /** Whole days until expiry at {@code now}; negative once expired. */
  public long daysLeft(Instant now) {
    return Math.floorDiv(Duration.between(now, notAfter).toSeconds(), 86_400L);
  }

  public long daysLeft() {
    return daysLeft(Instant.now());
  }
}
