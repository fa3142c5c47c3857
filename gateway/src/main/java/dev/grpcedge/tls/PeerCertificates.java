package dev.grpcedge.tls;

import io.grpc.Attributes;
import io.grpc.Grpc;
import io.grpc.ServerCall;
import io.grpc.ServerTransportFilter;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/**
 * Reads the client certificate the TLS handshake verified, for policy rules and the access log. Installed as a
 * {@link ServerTransportFilter}, it reads the certificate once per connection, when the handshake is done, and
 * keeps it in the transport's attributes: asking the TLS session on every call costs an exception per call when
 * the client sent no certificate, and a certificate parse when it did.
 */
public final class PeerCertificates extends ServerTransportFilter {
  private static final Attributes.Key<Optional<ClientCertificate>> CLIENT_CERTIFICATE =
      Attributes.Key.create("grpc-edge.client-certificate");

  @Override
  public Attributes transportReady(Attributes transportAttrs) {
    return transportAttrs.toBuilder()
        .set(CLIENT_CERTIFICATE, read(transportAttrs.get(Grpc.TRANSPORT_ATTR_SSL_SESSION)))
        .build();
  }

  /** The call's verified client certificate, or empty when the client sent none. */
  public static Optional<ClientCertificate> of(ServerCall<?, ?> call) {
    return of(call.getAttributes());
  }

  /** The verified client certificate of the connection with {@code attributes}, or empty when it sent none. */
  public static Optional<ClientCertificate> of(Attributes attributes) {
    Optional<ClientCertificate> known = attributes.get(CLIENT_CERTIFICATE);
    // Read from the session only on a server built without the filter.
    return known != null ? known : read(attributes.get(Grpc.TRANSPORT_ATTR_SSL_SESSION));
  }

  private static Optional<ClientCertificate> read(SSLSession session) {
    if (session == null) {
      return Optional.empty();
    }
    Certificate[] peer;
    try {
      peer = session.getPeerCertificates();
    } catch (SSLPeerUnverifiedException e) {
      return Optional.empty();
    }
    if (peer.length == 0 || !(peer[0] instanceof X509Certificate leaf)) {
      return Optional.empty();
    }
    return Optional.of(new ClientCertificate(leaf.getSubjectX500Principal().getName(), sans(leaf)));
  }

  private static List<String> sans(X509Certificate cert) {
    Collection<List<?>> names;
    try {
      names = cert.getSubjectAlternativeNames();
    } catch (CertificateParsingException e) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    if (names == null) {
      return out;
    }
    for (List<?> name : names) {
      String prefix = switch ((Integer) name.get(0)) {
        case 1 -> "email:";
        case 2 -> "DNS:";
        case 6 -> "URI:";
        case 7 -> "IP:";
        default -> null;
      };
      if (prefix != null && name.get(1) instanceof String value) {
        out.add(prefix + value);
      }
    }
    return out;
  }
}
