package dev.grpcedge.testing;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/** A throw-away CA for tests: issues server certificates for localhost with any validity window or key type. */
public final class TestPki {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final KeyPair caKeys;
  private final X509Certificate caCert;

  private TestPki(KeyPair caKeys, X509Certificate caCert) {
    this.caKeys = caKeys;
    this.caCert = caCert;
  }

  /** A new self-signed ECDSA P-256 root. */
  public static TestPki create(String name) {
    KeyPair keys = ecKeys();
    Instant now = Instant.now();
    X509Certificate cert = sign(new X500Name("CN=" + name), keys, new X500Name("CN=" + name), keys.getPublic(),
        now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(3650)), true, null, null);
    return new TestPki(keys, cert);
  }

  public X509Certificate caCertificate() {
    return caCert;
  }

  /** Issues a certificate for localhost, 127.0.0.1 and ::1 valid from an hour ago for a year. */
  public Issued issueServer() {
    Instant now = Instant.now();
    return issueServer(ecKeys(), now.minus(Duration.ofHours(1)), now.plus(Duration.ofDays(365)));
  }

  /** Issues a localhost certificate for {@code keys} with the given validity window. */
  public Issued issueServer(KeyPair keys, Instant notBefore, Instant notAfter) {
    GeneralNames sans = new GeneralNames(new GeneralName[] {
        new GeneralName(GeneralName.dNSName, "localhost"),
        new GeneralName(GeneralName.iPAddress, "127.0.0.1"),
        new GeneralName(GeneralName.iPAddress, "::1")});
    X509Certificate cert = sign(X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()), caKeys,
        new X500Name("CN=localhost"), keys.getPublic(), notBefore, notAfter, false, sans, KeyPurposeId.id_kp_serverAuth);
    return new Issued(cert, keys);
  }

  /** Issues a client certificate (clientAuth) for {@code commonName} with the DNS SAN {@code dnsName}. */
  public Issued issueClient(String commonName, String dnsName) {
    KeyPair keys = ecKeys();
    Instant now = Instant.now();
    GeneralNames sans = new GeneralNames(new GeneralName(GeneralName.dNSName, dnsName));
    X509Certificate cert = sign(X500Name.getInstance(caCert.getSubjectX500Principal().getEncoded()), caKeys,
        new X500Name("CN=" + commonName), keys.getPublic(), now.minus(Duration.ofHours(1)),
        now.plus(Duration.ofDays(30)), false, sans, KeyPurposeId.id_kp_clientAuth);
    return new Issued(cert, keys);
  }

  /** Writes the CA certificate as PEM to {@code file}. */
  public Path writeCa(Path file) {
    return writePem(file, List.of(caCert));
  }

  public static KeyPair ecKeys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  public static KeyPair rsaKeys() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
      g.initialize(2048);
      return g.generateKeyPair();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes objects (certificates, or a private key as PKCS#8) as PEM. */
  public static Path writePem(Path file, List<?> objects) {
    StringWriter out = new StringWriter();
    try (JcaPEMWriter pem = new JcaPEMWriter(out)) {
      for (Object o : objects) {
        if (o instanceof java.security.PrivateKey key) {
          pem.writeObject(new JcaPKCS8Generator(key, null));
        } else {
          pem.writeObject(o);
        }
      }
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    try {
      Files.writeString(file, out.toString());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return file;
  }

  private static X509Certificate sign(X500Name issuer, KeyPair issuerKeys, X500Name subject,
      java.security.PublicKey subjectKey, Instant notBefore, Instant notAfter, boolean ca, GeneralNames sans,
      KeyPurposeId purpose) {
    try {
      var builder = new JcaX509v3CertificateBuilder(issuer, new BigInteger(64, RANDOM).add(BigInteger.ONE),
          Date.from(notBefore), Date.from(notAfter), subject, subjectKey);
      builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
      if (ca) {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      } else {
        builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature));
        builder.addExtension(Extension.extendedKeyUsage, false, new ExtendedKeyUsage(purpose));
        builder.addExtension(Extension.subjectAlternativeName, false, sans);
      }
      ContentSigner signer = new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKeys.getPrivate());
      return new JcaX509CertificateConverter().getCertificate(builder.build(signer));
    } catch (Exception e) {
      throw new IllegalStateException("cannot make a test certificate", e);
    }
  }

  /** A certificate with its key pair. */
  public record Issued(X509Certificate certificate, KeyPair keys) {
    /** Writes {@code cert.pem} and {@code key.pem} (PKCS#8) into {@code dir}; returns {cert, key}. */
    public Path[] write(Path dir, String baseName) {
      Path cert = writePem(dir.resolve(baseName + ".pem"), List.of(certificate));
      Path key = writePem(dir.resolve(baseName + ".key"), List.of(keys.getPrivate()));
      return new Path[] {cert, key};
    }
  }
}
