package dev.grpcedge.tls;

import dev.grpcedge.config.TlsConfig;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * Everything one listener's TLS context is built from, loaded and checked together: the server certificate and
 * key ({@link ServerCertificate#load}) and, when client certificates are asked for, the client CA bundle.
 *
 * @param certificate the checked server certificate chain and key
 * @param clientCas the CAs client certificates must chain to; empty when client auth is none
 */
public record TlsMaterial(ServerCertificate certificate, List<X509Certificate> clientCas) {
  public TlsMaterial {
    clientCas = List.copyOf(clientCas);
  }

  /** The files this material is read from, in a fixed order. */
  public static List<Path> files(TlsConfig config) {
    List<Path> files = new ArrayList<>(List.of(config.certChain(), config.privateKey()));
    if (config.clientAuth() != TlsConfig.ClientAuth.NONE) {
      files.add(config.clientCa());
    }
    return files;
  }

  /** Loads and checks every file at {@code now}; any problem is a {@link TlsException} naming the file. */
  public static TlsMaterial load(TlsConfig config, Instant now) {
    ServerCertificate certificate = ServerCertificate.load(config.certChain(), config.privateKey(), now);
    List<X509Certificate> clientCas = List.of();
    if (config.clientAuth() != TlsConfig.ClientAuth.NONE) {
      clientCas = PemFiles.readCertificates(config.clientCa());
      for (X509Certificate ca : clientCas) {
        // An expired root would make every client certificate under it fail, with an unhelpful handshake alert.
        if (ca.getNotAfter().before(Date.from(now))) {
          throw new TlsException(config.clientCa() + ": CA certificate " + ca.getSubjectX500Principal().getName()
              + " expired on " + ca.getNotAfter().toInstant());
        }
      }
    }
    return new TlsMaterial(certificate, clientCas);
  }
}
