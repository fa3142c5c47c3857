package dev.grpcedge.auth;

import com.nimbusds.jose.jwk.OctetKeyPair;
import java.security.PublicKey;

/**
 * Carries an Ed25519 public JWK through nimbus's {@link java.security.Key}-typed verification path, which has
 * no conversion for OKP keys; only {@link IssuerVerifierFactory} reads it.
 *
 * @param jwk the public Ed25519 key
 */
record Ed25519PublicKey(OctetKeyPair jwk) implements PublicKey {
  private static final long serialVersionUID = 1L;

  @Override
  public String getAlgorithm() {
    return "Ed25519";
  }

  @Override
  public String getFormat() {
    return null;
  }

  @Override
  public byte[] getEncoded() {
    return null;
  }
}
