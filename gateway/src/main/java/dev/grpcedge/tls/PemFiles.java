package dev.grpcedge.tls;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads PEM certificates and PKCS#8 private keys, with errors that name the file and the problem. */
public final class PemFiles {
  /** The PEM label of an unencrypted PKCS#8 private key. */
  static final String PKCS8_LABEL = "PRIVATE KEY";

  private static final Pattern PKCS8 = Pattern.compile(
      "-----BEGIN " + PKCS8_LABEL + "-----([A-Za-z0-9+/=\\s]+)-----END " + PKCS8_LABEL + "-----");

  private PemFiles() {}

  /** Reads every PEM certificate in {@code certFile}, in order; fails naming the file when there is none. */
  public static List<X509Certificate> readCertificates(Path certFile) {
    byte[] pem = readFile(certFile, "certificate");
    List<X509Certificate> chain = new ArrayList<>();
    try {
      CertificateFactory factory = CertificateFactory.getInstance("X.509");
      for (var c : factory.generateCertificates(new ByteArrayInputStream(pem))) {
        chain.add((X509Certificate) c);
      }
    } catch (CertificateException e) {
      throw new TlsException(certFile + ": not a PEM certificate chain (" + e.getMessage() + ")");
    }
    if (chain.isEmpty()) {
      throw new TlsException(certFile + ": no certificate found (expected PEM 'BEGIN CERTIFICATE' blocks)");
    }
    return chain;
  }

  /** Reads a PKCS#8 PEM private key (EC, RSA or Ed25519); fails naming the file and the problem. */
  public static PrivateKey readPrivateKey(Path keyFile) {
    String pem = new String(readFile(keyFile, "private key"), StandardCharsets.US_ASCII);
    Matcher m = PKCS8.matcher(pem);
    if (!m.find()) {
      // SEC1 ("EC PRIVATE KEY") and PKCS#1 ("RSA PRIVATE KEY") keys convert without loss.
      String hint = pem.contains("BEGIN EC " + PKCS8_LABEL) || pem.contains("BEGIN RSA " + PKCS8_LABEL)
          ? " (convert it with: openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8)"
          : "";
      throw new TlsException(keyFile + ": not a PKCS#8 PEM private key (a '" + PKCS8_LABEL + "' block)" + hint);
    }
    byte[] der;
    try {
      der = Base64.getMimeDecoder().decode(m.group(1));
    } catch (IllegalArgumentException e) {
      throw new TlsException(keyFile + ": private key is not valid base64");
    }
    for (String algorithm : List.of("EC", "RSA", "Ed25519")) {
      try {
        return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
      } catch (GeneralSecurityException e) {
        // Try the next algorithm.
      }
    }
    throw new TlsException(keyFile + ": private key is corrupt or of an unsupported type (EC, RSA, Ed25519)");
  }

  private static byte[] readFile(Path file, String what) {
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new TlsException(file + ": " + what + " file not found");
    } catch (AccessDeniedException e) {
      throw new TlsException(file + ": " + what + " file is not readable (permission denied)");
    } catch (IOException e) {
      throw new TlsException(file + ": cannot read " + what + " file: " + e.getMessage());
    }
  }
}
