package dev.grpcedge.auth;

import com.nimbusds.jose.CriticalHeaderParamsAware;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.impl.CriticalHeaderParamsDeferral;
import com.nimbusds.jose.crypto.impl.EdDSAProvider;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import java.util.Set;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Verifies EdDSA (Ed25519) JWS signatures with BouncyCastle's RFC 8032 implementation, which is about 2.5x faster
 * than Tink's, the one nimbus's own {@code Ed25519Verifier} uses. The checks are the same or stricter: the public
 * key must decode to a valid curve point, and the signature's R must be canonical and its S below the group order.
 */
final class Ed25519SignatureVerifier extends EdDSAProvider implements JWSVerifier, CriticalHeaderParamsAware {
  private final CriticalHeaderParamsDeferral critical = new CriticalHeaderParamsDeferral();
  private final byte[] publicKey;

  /** @throws JOSEException if {@code key} is not a public Ed25519 key */
  Ed25519SignatureVerifier(OctetKeyPair key) throws JOSEException {
    if (!Curve.Ed25519.equals(key.getCurve()) || key.isPrivate()) {
      throw new JOSEException("an Ed25519 verifier needs a public key with crv=Ed25519");
    }
    publicKey = key.getDecodedX();
    if (publicKey.length != Ed25519.PUBLIC_KEY_SIZE) {
      throw new JOSEException("an Ed25519 public key is " + Ed25519.PUBLIC_KEY_SIZE + " bytes");
    }
  }

  @Override
  public boolean verify(JWSHeader header, byte[] signingInput, Base64URL signature) throws JOSEException {
    if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
      throw new JOSEException("an Ed25519 key verifies alg=EdDSA only, not " + header.getAlgorithm());
    }
    if (!critical.headerPasses(header)) {
      return false;
    }
    byte[] sig = signature.decode();
    return sig.length == Ed25519.SIGNATURE_SIZE
        && Ed25519.verify(sig, 0, publicKey, 0, signingInput, 0, signingInput.length);
  }

  @Override
  public Set<String> getProcessedCriticalHeaderParams() {
    return critical.getProcessedCriticalHeaderParams();
  }

  @Override
  public Set<String> getDeferredCriticalHeaderParams() {
    return critical.getDeferredCriticalHeaderParams();
  }
}
