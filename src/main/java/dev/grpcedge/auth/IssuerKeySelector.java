package dev.grpcedge.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.Key;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Picks an issuer's candidate keys for a token: only keys whose {@code kid}, {@code kty}, {@code crv},
 * {@code alg} and {@code use} fit the header ({@link JWKMatcher#forJWSHeader}). nimbus's selector drops OKP
 * keys, so Ed25519 keys are matched the same way here and handed on as {@link Ed25519PublicKey}.
 */
final class IssuerKeySelector extends JWSVerificationKeySelector<SecurityContext> {
  IssuerKeySelector(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> keys) {
    super(algorithms, keys);
  }

  @Override
  public List<Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
    if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
      return super.selectJWSKeys(header, context);
    }
    JWKMatcher matcher = createJWKMatcher(header);
    if (matcher == null) {
      return List.of();
    }
    List<Key> keys = new ArrayList<>();
    for (JWK jwk : getJWKSource().get(new JWKSelector(matcher), context)) {
      // EdDSA also names Ed448, which nimbus cannot verify.
      if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve()) && !okp.isPrivate()) {
        keys.add(new Ed25519PublicKey(okp));
      }
    }
    return keys;
  }
}
