package dev.grpcedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import io.grpc.Status;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ES256 and RS256 signatures are checked by BoringSSL (Conscrypt), which still refuses every forgery. */
class BoringSslSignatureVerificationTest {
  @TempDir static Path dir;
  static TestIssuer issuer;
  static JwtVerifier verifier;

  @BeforeAll
  static void setUp() {
    issuer = TestIssuer.create("https://ec.example", "grpc-edge");
    verifier = issuer.verifier(dir);
  }

  @Test
  void es256VerifierUsesConscrypt() throws Exception {
    var header = new JWSHeader(JWSAlgorithm.ES256);
    var created = new IssuerVerifierFactory().createJWSVerifier(header, issuer.ecKey().toECPublicKey());
    assertEquals("Conscrypt", created.getJCAContext().getProvider().getName());
  }

  @Test
  void rs256VerifierUsesConscryptAndPs256StaysWithTheJdk() throws Exception {
    var factory = new IssuerVerifierFactory();
    var rsa = issuer.rsaKey().toRSAPublicKey();
    assertEquals("Conscrypt",
        factory.createJWSVerifier(new JWSHeader(JWSAlgorithm.RS256), rsa).getJCAContext().getProvider().getName());
    assertEquals(null, factory.createJWSVerifier(new JWSHeader(JWSAlgorithm.PS256), rsa).getJCAContext().getProvider());
  }

  @Test
  void validEs256TokenIsAccepted() throws Exception {
    assertEquals("alice", verifier.verify(issuer.token().alg(JWSAlgorithm.ES256).sign()).subject());
  }

  @Test
  void es256TokenWithAlteredSignatureIsRejected() {
    String token = issuer.token().alg(JWSAlgorithm.ES256).sign();
    char last = token.charAt(token.length() - 2);
    String altered = token.substring(0, token.length() - 2) + (last == 'A' ? 'B' : 'A') + token.charAt(token.length() - 1);
    assertRejected(altered);
  }

  @Test
  void es256TokenWithAllZeroSignatureIsRejected() {
    // CVE-2022-21449 ("psychic signatures"): r = s = 0 must never verify, whatever provider does the maths.
    String token = issuer.token().alg(JWSAlgorithm.ES256).sign();
    String zero = token.substring(0, token.lastIndexOf('.') + 1) + Base64URL.encode(new byte[64]);
    assertRejected(zero);
  }

  private static void assertRejected(String token) {
    AuthException e = assertThrows(AuthException.class, () -> verifier.verify(token));
    assertEquals(Status.Code.UNAUTHENTICATED, e.status().getCode());
    assertEquals("invalid signature", e.status().getDescription());
  }
}
