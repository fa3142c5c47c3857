package dev.grpcedge.route;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import dev.grpcedge.config.ConfigException;
import dev.grpcedge.config.IdentityConfig;
import dev.grpcedge.tls.PemFiles;
import dev.grpcedge.tls.TlsException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.bouncycastle.jce.ECNamedCurveTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway's identity signing keys, read from the {@code *.key} files (EC P-256, PKCS#8 PEM) of one folder.
 * Every key there is published in the JWKS; the newest one whose file is older than {@code publish_ahead} signs
 * (or the oldest, when none is that old yet), so a new key is in every replica's JWKS before any token uses it.
 * {@link #reload()} reads the folder again; a folder that turns bad is logged, and the keys in use stay.
 */
public final class SigningKeys {
  private static final Logger log = LoggerFactory.getLogger(SigningKeys.class);

  /** One key file. */
  private record KeyFile(Path file, FileTime modified, ECKey jwk) {}

  /** What was read, and what it gives: the signing key and the public JWKS. */
  private record State(List<KeyFile> files, ECKey signer, String jwks) {}

  private final Path folder;
  private final IdentityConfig config;
  private final Clock clock;
  private volatile State state;

  private SigningKeys(Path folder, IdentityConfig config, Clock clock, State state) {
    this.folder = folder;
    this.config = config;
    this.clock = clock;
    this.state = state;
  }

  /** Reads the folder; a missing folder, no key or a bad key stops start-up, naming the file. */
  public static SigningKeys load(IdentityConfig config, Clock clock) {
    try {
      return new SigningKeys(config.keys(), config, clock, read(config.keys(), config, clock, null));
    } catch (IllegalStateException e) {
      throw new ConfigException("identity.keys", e.getMessage());
    }
  }

  /** The key tokens are signed with now (with its private part and {@code kid}). */
  public ECKey signer() {
    return state.signer;
  }

  /** The public keys, as a JWK Set document for {@code /.well-known/jwks.json}. */
  public String jwksJson() {
    return state.jwks;
  }

  /** Reads the folder again; called on the TLS reload schedule. */
  public void reload() {
    State old = state;
    try {
      State fresh = read(folder, config, clock, old);
      if (!fresh.signer.getKeyID().equals(old.signer.getKeyID())) {
        log.info("identity tokens are now signed with key {} ({})", fresh.signer.getKeyID(), fileOf(fresh));
      }
      if (fresh.files.size() != old.files.size() || !fresh.jwks.equals(old.jwks)) {
        log.info("identity keys in {}: {} published", folder, fresh.files.size());
      }
      state = fresh;
    } catch (IllegalStateException e) {
      log.warn("identity keys not reloaded, the keys in use stay: {}", e.getMessage());
    }
  }

  private static Path fileOf(State s) {
    return s.files.stream().filter(f -> f.jwk.getKeyID().equals(s.signer.getKeyID())).findFirst()
        .map(KeyFile::file).orElse(null);
  }

  private static State read(Path folder, IdentityConfig config, Clock clock, State previous) {
    if (!Files.isDirectory(folder)) {
      throw new IllegalStateException("not a folder: " + folder + " (make a key with scripts/gen-identity-key)");
    }
    List<KeyFile> files = new ArrayList<>();
    try (DirectoryStream<Path> keys = Files.newDirectoryStream(folder, "*.key")) {
      for (Path file : keys) {
        FileTime modified = Files.getLastModifiedTime(file);
        KeyFile known = previous == null ? null : previous.files.stream()
            .filter(f -> f.file.equals(file) && f.modified.equals(modified)).findFirst().orElse(null);
        files.add(known != null ? known : new KeyFile(file, modified, jwk(file)));
      }
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + folder + ": " + e.getMessage());
    }
    if (files.isEmpty()) {
      throw new IllegalStateException("no *.key file in " + folder + " (make one with scripts/gen-identity-key)");
    }
    files.sort(Comparator.comparing(KeyFile::modified).thenComparing(f -> f.file.getFileName().toString()));
    Instant ripe = clock.instant().minus(config.publishAhead());
    KeyFile signer = files.get(0);
    for (KeyFile f : files) {
      if (!f.modified.toInstant().isAfter(ripe)) {
        signer = f;
      }
    }
    List<com.nimbusds.jose.jwk.JWK> published = files.stream().map(f -> (com.nimbusds.jose.jwk.JWK) f.jwk
        .toPublicJWK()).distinct().toList();
    return new State(List.copyOf(files), signer.jwk, new JWKSet(published).toString(true));
  }

  /** The key in {@code file} as a JWK with its RFC 7638 thumbprint as {@code kid}. */
  private static ECKey jwk(Path file) {
    PrivateKey key;
    try {
      key = PemFiles.readPrivateKey(file);
    } catch (TlsException e) {
      throw new IllegalStateException(e.getMessage());
    }
    if (!(key instanceof ECPrivateKey ec) || !Objects.equals(Curve.forECParameterSpec(ec.getParams()), Curve.P_256)) {
      throw new IllegalStateException(file + ": not an EC P-256 key (make one with scripts/gen-identity-key)");
    }
    try {
      ECKey jwk = new ECKey.Builder(Curve.P_256, publicKey(ec)).privateKey(ec).keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.ES256).build();
      return new ECKey.Builder(jwk).keyIDFromThumbprint().build();
    } catch (JOSEException | java.security.GeneralSecurityException e) {
      throw new IllegalStateException(file + ": " + e.getMessage());
    }
  }

  /** The public point d·G: a PKCS#8 key may carry it, but the JDK does not read it out. */
  private static ECPublicKey publicKey(ECPrivateKey key) throws java.security.GeneralSecurityException {
    var curve = ECNamedCurveTable.getParameterSpec("P-256");
    var q = curve.getG().multiply(key.getS()).normalize();
    ECPoint w = new ECPoint(q.getAffineXCoord().toBigInteger(), q.getAffineYCoord().toBigInteger());
    return (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, key.getParams()));
  }
}
