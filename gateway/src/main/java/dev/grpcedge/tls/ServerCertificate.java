package dev.grpcedge.tls;

import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Date;
import java.util.List;

/**
 * A server certificate chain and its private key, loaded from PEM files and checked before use: both files
 * readable, the chain non-empty, complete (each certificate signed by the next) and valid now, the key PKCS#8 and
 * matching the leaf certificate.
 *
 * @param chain the certificate chain, leaf first
 * @param key the leaf's private key
 */
public record ServerCertificate(List<X509Certificate> chain, PrivateKey key) {
  public ServerCertificate {
    chain = List.copyOf(chain);
  }

  public X509Certificate leaf() {
    return chain.get(0);
  }

  /** Loads and checks the pair at {@code now}; every failure is a {@link TlsException} naming the file. */
  public static ServerCertificate load(Path certFile, Path keyFile, Instant now) {
    List<X509Certificate> chain = PemFiles.readCertificates(certFile);
    PrivateKey key = PemFiles.readPrivateKey(keyFile);
    X509Certificate leaf = chain.get(0);
    try {
      leaf.checkValidity(Date.from(now));
    } catch (CertificateExpiredException e) {
      throw new TlsException(certFile + ": certificate expired on " + leaf.getNotAfter().toInstant());
    } catch (CertificateNotYetValidException e) {
      throw new TlsException(certFile + ": certificate is not valid until " + leaf.getNotBefore().toInstant());
    }
    if (!matches(leaf, key)) {
      throw new TlsException(keyFile + ": private key does not match the certificate in " + certFile);
    }
    checkLinks(certFile, chain);
    return new ServerCertificate(chain, key);
  }

  /** Each certificate must be signed by the one after it: a gap makes clients fail to build the path. */
  static void checkLinks(Path certFile, List<X509Certificate> chain) {
    for (int i = 0; i + 1 < chain.size(); i++) {
      X509Certificate cert = chain.get(i);
      X509Certificate issuer = chain.get(i + 1);
      try {
        if (!cert.getIssuerX500Principal().equals(issuer.getSubjectX500Principal())) {
          throw new GeneralSecurityException("issuer name differs");
        }
        cert.verify(issuer.getPublicKey());
      } catch (GeneralSecurityException e) {
        throw new TlsException(certFile + ": chain is incomplete: certificate " + (i + 1) + " ("
            + cert.getSubjectX500Principal().getName() + ") is not signed by certificate " + (i + 2) + " ("
            + issuer.getSubjectX500Principal().getName() + ")");
      }
    }
  }

  /** Proves possession: a signature made with the key must verify with the certificate's public key. */
  static boolean matches(X509Certificate cert, PrivateKey key) {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      default -> key.getAlgorithm();
    };
    try {
      byte[] challenge = new byte[32];
      new SecureRandom().nextBytes(challenge);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(challenge);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(cert.getPublicKey());
      verifier.update(challenge);
      return verifier.verify(signature);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }
}
