package dev.grpcedge.auth;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.factories.DefaultJWSVerifierFactory;
import com.nimbusds.jose.jca.JCAContext;
import com.nimbusds.jose.proc.JWSVerifierFactory;
import java.security.Key;
import java.util.HashSet;
import java.util.Set;

/**
 * nimbus's verifier factory, plus Ed25519 ({@link Ed25519SignatureVerifier}) for keys from
 * {@link IssuerKeySelector}, with ECDSA and RSA PKCS#1 signatures checked by BoringSSL ({@link JcaProviders}) when
 * it loads.
 */
final class IssuerVerifierFactory implements JWSVerifierFactory {
  /** ECDSA and RSA PKCS#1 v1.5; RSA-PSS stays with the JDK, whose PSS parameter handling nimbus relies on. */
  private static final Set<JWSAlgorithm> BORINGSSL_VERIFIED = Set.of(JWSAlgorithm.ES256, JWSAlgorithm.ES384,
      JWSAlgorithm.ES512, JWSAlgorithm.RS256, JWSAlgorithm.RS384, JWSAlgorithm.RS512);

  private final DefaultJWSVerifierFactory delegate = new DefaultJWSVerifierFactory();

  @Override
  public JWSVerifier createJWSVerifier(JWSHeader header, Key key) throws JOSEException {
    if (key instanceof Ed25519PublicKey ed) {
      if (!JWSAlgorithm.EdDSA.equals(header.getAlgorithm())) {
        throw new JOSEException("Ed25519 key offered for " + header.getAlgorithm());
      }
      return new Ed25519SignatureVerifier(ed.jwk());
    }
    JWSVerifier verifier = delegate.createJWSVerifier(header, key);
    if (BORINGSSL_VERIFIED.contains(header.getAlgorithm())) {
      // Only the signature arithmetic moves to BoringSSL: nimbus still checks the key's curve point and the
      // signature's r and s ranges before handing it on.
      JcaProviders.signatures().ifPresent(verifier.getJCAContext()::setProvider);
    }
    return verifier;
  }

  @Override
  public Set<JWSAlgorithm> supportedJWSAlgorithms() {
    Set<JWSAlgorithm> algorithms = new HashSet<>(delegate.supportedJWSAlgorithms());
    algorithms.add(JWSAlgorithm.EdDSA);
    return algorithms;
  }

  @Override
  public JCAContext getJCAContext() {
    return delegate.getJCAContext();
  }
}
