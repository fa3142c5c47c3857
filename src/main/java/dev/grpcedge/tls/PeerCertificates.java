package dev.grpcedge.tls;

import io.grpc.Grpc;
import io.grpc.ServerCall;
import java.security.cert.Certificate;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;

/** Reads the client certificate the TLS handshake verified for a call, for policy rules and the access log. */
public final class PeerCertificates {
  private PeerCertificates() {}

  /** The call's verified client certificate, or empty when the client sent none. */
  public static Optional<ClientCertificate> of(ServerCall<?, ?> call) {
    SSLSession session = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
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
