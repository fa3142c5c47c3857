package dev.grpcedge.tls;

import java.util.List;

/**
 * The verified TLS client certificate of a call, as policy and the access log see it.
 *
 * @param subject the certificate's subject DN (RFC 2253)
 * @param sans its subject alternative names, as {@code DNS:name}, {@code IP:addr}, {@code URI:uri} or
 *     {@code email:addr}
 */
public record ClientCertificate(String subject, List<String> sans) {
  public ClientCertificate {
    sans = List.copyOf(sans);
  }
}
