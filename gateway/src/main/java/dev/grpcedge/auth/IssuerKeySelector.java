package dev.grpcedge.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.KeyConverter;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import java.security.Key;
import java.security.PublicKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.crypto.SecretKey;

/**
 * Picks an issuer's candidate keys for a token: only keys whose {@code kid}, {@code kty}, {@code crv},
 * {@code alg} and {@code use} fit the header ({@link JWKMatcher#forJWSHeader}). nimbus's selector drops OKP
 * keys, so Ed25519 keys are matched the same way here and handed on as {@link Ed25519PublicKey}.
 */
final class IssuerKeySelector extends JWSVerificationKeySelector<SecurityContext> {
  /**
   * Java keys already converted from each JWK (by identity): converting decodes the key's Base64 and builds a
   * {@code KeyFactory} on every call otherwise. Weak keys, so JWKs dropped by a key-set refresh go with it.
   */
  private final Cache<JWK, List<Key>> publicKeys = Caffeine.newBuilder().weakKeys().build();

  IssuerKeySelector(Set<JWSAlgorithm> algorithms, JWKSource<SecurityContext> keys) {
    super(algorithms, keys);
  }

  /** What nimbus's selector returns for one JWK: its public (or secret) key, never a private one. */
  private static List<Key> toPublicKeys(JWK jwk) {
    List<Key> out = new ArrayList<>();
    for (Key key : KeyConverter.toJavaKeys(List.of(jwk))) {
      if (key instanceof PublicKey || key instanceof SecretKey) {
        out.add(key);
      }
    }
    return List.copyOf(out);
  }

  @Override
  public List<Key> selectJWSKeys(JWSHeader header, SecurityContext context) throws KeySourceException {
    JWKMatcher matcher = createJWKMatcher(header);
    if (matcher == null) {
      return List.of();
    }
    List<Key> keys = new ArrayList<>();
    if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
      for (JWK jwk : getJWKSource().get(new JWKSelector(matcher), context)) {
        keys.addAll(publicKeys.get(jwk, IssuerKeySelector::toPublicKeys));
      }
      return keys;
    }
    for (JWK jwk : getJWKSource().get(new JWKSelector(matcher), context)) {
      // EdDSA also names Ed448, which nimbus cannot verify.
      if (jwk instanceof OctetKeyPair okp && Curve.Ed25519.equals(okp.getCurve()) && !okp.isPrivate()) {
        keys.add(new Ed25519PublicKey(okp));
      }
    }
    return keys;
  }
}
