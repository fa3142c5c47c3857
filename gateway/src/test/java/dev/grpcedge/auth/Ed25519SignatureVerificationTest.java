package dev.grpcedge.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import io.grpc.Status;
import java.math.BigInteger;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** EdDSA (Ed25519) signatures are checked by BouncyCastle, which refuses every forgery and malleated signature. */
class Ed25519SignatureVerificationTest {
  /** The order of Ed25519's base point (RFC 8032, section 5.1). */
  private static final BigInteger L =
      BigInteger.TWO.pow(252).add(new BigInteger("27742317777372353535851937790883648493"));

  @TempDir static Path dir;
  static TestIssuer issuer;
  static JwtVerifier verifier;

  @BeforeAll
  static void setUp() {
    issuer = TestIssuer.create("https://ed.example", "grpc-edge");
    verifier = issuer.verifier(dir);
  }

  @Test
  void edDsaVerifierIsBouncyCastles() throws Exception {
    var created = new IssuerVerifierFactory().createJWSVerifier(new JWSHeader(JWSAlgorithm.EdDSA),
        new Ed25519PublicKey(issuer.edKey().toPublicJWK()));
    assertInstanceOf(Ed25519SignatureVerifier.class, created);
  }

  @Test
  void ed25519KeyOfferedForAnotherAlgorithmIsRefused() {
    assertThrows(JOSEException.class, () -> new IssuerVerifierFactory().createJWSVerifier(
        new JWSHeader(JWSAlgorithm.ES256), new Ed25519PublicKey(issuer.edKey().toPublicJWK())));
  }

  @Test
  void privateOrWrongCurveKeyIsRefused() throws Exception {
    assertThrows(JOSEException.class, () -> new Ed25519SignatureVerifier(issuer.edKey()));
    assertThrows(JOSEException.class,
        () -> new Ed25519SignatureVerifier(new OctetKeyPairGenerator(Curve.X25519).generate().toPublicJWK()));
  }

  @Test
  void validEdDsaTokenIsAccepted() throws Exception {
    assertEquals("alice", verifier.verify(edToken()).subject());
  }

  @Test
  void alteredSignatureIsRejected() {
    byte[] sig = signature(edToken());
    sig[10] ^= 1;
    assertRejected(withSignature(edToken(), sig));
  }

  @Test
  void alteredPayloadIsRejected() {
    String token = edToken();
    String other = issuer.token().alg(JWSAlgorithm.EdDSA).sub("mallory").sign();
    String[] a = token.split("\\.");
    assertRejected(a[0] + "." + other.split("\\.")[1] + "." + a[2]);
  }

  @Test
  void allZeroSignatureIsRejected() {
    assertRejected(withSignature(edToken(), new byte[64]));
  }

  @Test
  void signatureWithTheGroupOrderAddedToSIsRejected() {
    // S and S + L give the same point, so a verifier that skips the S < L check accepts a second, malleated
    // signature for the same token (RFC 8032, section 5.1.7).
    byte[] sig = signature(edToken());
    BigInteger s = littleEndian(Arrays.copyOfRange(sig, 32, 64));
    byte[] malleated = Arrays.copyOf(sig, 64);
    System.arraycopy(toLittleEndian(s.add(L)), 0, malleated, 32, 32);
    assertRejected(withSignature(edToken(), malleated));
  }

  @Test
  void truncatedSignatureIsRejected() {
    assertRejected(withSignature(edToken(), Arrays.copyOf(signature(edToken()), 63)));
  }

  @Test
  void tokenSignedByAnotherEd25519KeyWithTheSameKidIsRejected() throws Exception {
    var stranger = new OctetKeyPairGenerator(Curve.Ed25519).keyID(TestIssuer.ED_KID).generate();
    assertRejected(issuer.token().alg(JWSAlgorithm.EdDSA).signWith(stranger).sign());
  }

  @Test
  void unknownCriticalHeaderFailsTheSignatureCheck() throws Exception {
    SignedJWT jwt = SignedJWT.parse(edToken());
    var header = new JWSHeader.Builder(JWSAlgorithm.EdDSA).criticalParams(Set.of("https://example.com/ext"))
        .customParam("https://example.com/ext", "x").build();
    var ed = new Ed25519SignatureVerifier(issuer.edKey().toPublicJWK());
    assertTrue(ed.verify(jwt.getHeader(), jwt.getSigningInput(), jwt.getSignature()));
    assertFalse(ed.verify(header, jwt.getSigningInput(), jwt.getSignature()));
  }

  private static String edToken() {
    return issuer.token().alg(JWSAlgorithm.EdDSA).sign();
  }

  private static byte[] signature(String token) {
    return new Base64URL(token.substring(token.lastIndexOf('.') + 1)).decode();
  }

  private static String withSignature(String token, byte[] signature) {
    return token.substring(0, token.lastIndexOf('.') + 1) + Base64URL.encode(signature);
  }

  private static BigInteger littleEndian(byte[] bytes) {
    byte[] big = new byte[bytes.length];
    for (int i = 0; i < bytes.length; i++) {
      big[i] = bytes[bytes.length - 1 - i];
    }
    return new BigInteger(1, big);
  }

  private static byte[] toLittleEndian(BigInteger value) {
    byte[] big = value.toByteArray();
    byte[] out = new byte[32];
    for (int i = 0; i < 32 && i < big.length; i++) {
      out[i] = big[big.length - 1 - i];
    }
    return out;
  }

  private static void assertRejected(String token) {
    AuthException e = assertThrows(AuthException.class, () -> verifier.verify(token));
    assertEquals(Status.Code.UNAUTHENTICATED, e.status().getCode());
    assertEquals("invalid signature", e.status().getDescription());
  }
}
