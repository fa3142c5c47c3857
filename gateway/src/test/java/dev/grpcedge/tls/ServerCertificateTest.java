package dev.grpcedge.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.testing.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerCertificateTest {
  private static final TestPki PKI = TestPki.create("server-certificate-test-ca");

  @TempDir Path dir;

  @Test
  void validPairLoadsWithLeafFirst() {
    Path[] files = PKI.issueServer().write(dir, "server");
    ServerCertificate loaded = ServerCertificate.load(files[0], files[1], Instant.now());
    assertEquals("CN=localhost", loaded.leaf().getSubjectX500Principal().getName());
    assertEquals("EC", loaded.key().getAlgorithm());
  }

  @Test
  void rsaKeysAreAcceptedToo() {
    Instant now = Instant.now();
    Path[] files = PKI.issueServer(TestPki.rsaKeys(), now.minusSeconds(60), now.plus(Duration.ofDays(1))).write(dir, "rsa");
    assertEquals("RSA", ServerCertificate.load(files[0], files[1], now).key().getAlgorithm());
  }

  @Test
  void missingCertificateFileIsNamed() {
    Path[] files = PKI.issueServer().write(dir, "server");
    Path missing = dir.resolve("nope.pem");
    TlsException e = assertThrows(TlsException.class, () -> ServerCertificate.load(missing, files[1], Instant.now()));
    assertEquals(missing + ": certificate file not found", e.getMessage());
  }

  @Test
  void missingKeyFileIsNamed() {
    Path[] files = PKI.issueServer().write(dir, "server");
    Path missing = dir.resolve("nope.key");
    TlsException e = assertThrows(TlsException.class, () -> ServerCertificate.load(files[0], missing, Instant.now()));
    assertEquals(missing + ": private key file not found", e.getMessage());
  }

  @Test
  void unreadableKeyFileIsNamed() throws Exception {
    Path[] files = PKI.issueServer().write(dir, "server");
    // A folder in place of the file: unreadable even for root, who ignores file permissions.
    Path folder = Files.createDirectory(dir.resolve("key-is-a-folder"));
    TlsException e = assertThrows(TlsException.class, () -> ServerCertificate.load(files[0], folder, Instant.now()));
    assertTrue(e.getMessage().startsWith(folder + ": cannot read private key file"), e.getMessage());
  }

  @Test
  void fileWithoutCertificatesIsRefused() throws Exception {
    Path[] files = PKI.issueServer().write(dir, "server");
    Path garbage = Files.writeString(dir.resolve("garbage.pem"), "hello\n");
    TlsException e = assertThrows(TlsException.class, () -> ServerCertificate.load(garbage, files[1], Instant.now()));
    assertTrue(e.getMessage().startsWith(garbage + ": "), e.getMessage());
  }

  @Test
  void keyThatIsNotPkcs8GetsAConversionHint() throws Exception {
    Path[] files = PKI.issueServer().write(dir, "server");
    Path sec1 = Files.writeString(dir.resolve("sec1.key"), pem("EC " + PemFiles.PKCS8_LABEL, "AAAA"));
    TlsException e = assertThrows(TlsException.class, () -> ServerCertificate.load(files[0], sec1, Instant.now()));
    assertTrue(e.getMessage().contains(sec1 + ": not a PKCS#8 PEM private key"), e.getMessage());
    assertTrue(e.getMessage().contains("openssl pkcs8 -topk8"), e.getMessage());
  }

  @Test
  void corruptKeyIsRefused() throws Exception {
    Path[] files = PKI.issueServer().write(dir, "server");
    Path corrupt = Files.writeString(dir.resolve("corrupt.key"), pem(PemFiles.PKCS8_LABEL, "AAAABBBB"));
    TlsException e = assertThrows(TlsException.class, () -> ServerCertificate.load(files[0], corrupt, Instant.now()));
    assertEquals(corrupt + ": private key is corrupt or of an unsupported type (EC, RSA, Ed25519)", e.getMessage());
  }

  @Test
  void keyOfAnotherCertificateIsRefused() {
    Path[] files = PKI.issueServer().write(dir, "server");
    Path otherKey = TestPki.writePem(dir.resolve("other.key"), List.of(TestPki.ecKeys().getPrivate()));
    TlsException e = assertThrows(TlsException.class, () -> ServerCertificate.load(files[0], otherKey, Instant.now()));
    assertEquals(otherKey + ": private key does not match the certificate in " + files[0], e.getMessage());
  }

  @Test
  void expiredCertificateIsRefused() {
    Instant now = Instant.now();
    Path[] files = PKI.issueServer(TestPki.ecKeys(), now.minus(Duration.ofDays(10)), now.minus(Duration.ofDays(1)))
        .write(dir, "expired");
    TlsException e = assertThrows(TlsException.class, () -> ServerCertificate.load(files[0], files[1], now));
    assertTrue(e.getMessage().startsWith(files[0] + ": certificate expired on "), e.getMessage());
  }

  @Test
  void notYetValidCertificateIsRefused() {
    Instant now = Instant.now();
    Path[] files = PKI.issueServer(TestPki.ecKeys(), now.plus(Duration.ofDays(1)), now.plus(Duration.ofDays(10)))
        .write(dir, "future");
    TlsException e = assertThrows(TlsException.class, () -> ServerCertificate.load(files[0], files[1], now));
    assertTrue(e.getMessage().startsWith(files[0] + ": certificate is not valid until "), e.getMessage());
  }

  /** A PEM block with {@code label} around {@code base64}: a made-up key file, not a key. */
  private static String pem(String label, String base64) {
    return "-----BEGIN " + label + "-----\n" + base64 + "\n-----END " + label + "-----\n";
  }
}
