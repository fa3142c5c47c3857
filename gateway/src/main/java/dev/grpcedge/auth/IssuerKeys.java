package dev.grpcedge.auth;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.SecurityContext;
import dev.grpcedge.config.AuthConfig;
import dev.grpcedge.config.IssuerConfig;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The key sources of every configured issuer, opened together so they can be warmed and closed together. */
public final class IssuerKeys implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(IssuerKeys.class);

  private final Map<String, JWKSource<SecurityContext>> byIssuer;

  private IssuerKeys(Map<String, JWKSource<SecurityContext>> byIssuer) {
    this.byIssuer = byIssuer;
  }

  /** Reads every JWKS file now (a bad file is a ConfigException) and sets up the remote sources. */
  public static IssuerKeys open(AuthConfig config) {
    Map<String, JWKSource<SecurityContext>> byIssuer = new LinkedHashMap<>();
    for (IssuerConfig issuer : config.issuers()) {
      byIssuer.put(issuer.issuer(), KeySources.forIssuer(issuer));
    }
    return new IssuerKeys(byIssuer);
  }

  public Map<String, JWKSource<SecurityContext>> byIssuer() {
    return byIssuer;
  }

  /**
   * Fetches every remote key set once. A provider that is down does not stop start-up: its issuer's calls fail
   * with UNAVAILABLE until a later fetch succeeds.
   */
  public void warm() {
    byIssuer.forEach((issuer, keys) -> {
      if (keys instanceof RemoteKeySource remote) {
        try {
          log.info("issuer {}: {} signing key(s) fetched", issuer, remote.warm());
        } catch (KeySourceException e) {
          log.warn("issuer {}: identity provider unavailable at start-up ({}); its calls fail with UNAVAILABLE"
              + " until its keys can be fetched", issuer, e.getMessage());
        }
      }
    });
  }

  @Override
  public void close() {
    for (JWKSource<SecurityContext> keys : byIssuer.values()) {
      if (keys instanceof RemoteKeySource remote) {
        try {
          remote.close();
        } catch (IOException e) {
          log.debug("closing a key source failed", e);
        }
      }
    }
  }
}
