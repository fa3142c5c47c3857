package dev.grpcedge.auth;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSetCacheRefreshEvaluator;
import com.nimbusds.jose.jwk.source.JWKSetSource;
import com.nimbusds.jose.jwk.source.JWKSetUnavailableException;
import com.nimbusds.jose.jwk.source.URLBasedJWKSetSource;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.ResourceRetriever;
import java.io.IOException;
import java.net.URL;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bottom of a remote issuer's nimbus source chain: fetches the JWKS from a fixed URL or the one OIDC discovery
 * names, and remembers how the last fetch went, the last good set, and when the set's keys change. The layers
 * nimbus puts above it (cache, refresh-ahead, rate limit, outage tolerance) decide when it is called.
 */
final class ProviderJwksSource implements JWKSetSource<SecurityContext> {
  private static final Logger log = LoggerFactory.getLogger(ProviderJwksSource.class);

  private final String issuer;
  private final URL fixedUrl;
  private final ResourceRetriever retriever;
  private final List<Runnable> keySetListeners = new CopyOnWriteArrayList<>();

  // Guarded by this; held while discovery runs, so callers asking about state use their own fields below.
  private URLBasedJWKSetSource<SecurityContext> jwks;

  private final Object stateLock = new Object();
  private volatile JWKSet lastGood;
  private volatile boolean lastFetchFailed;
  private final java.util.concurrent.atomic.AtomicLong fetches = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong failedFetches = new java.util.concurrent.atomic.AtomicLong();
  private volatile long lastGoodMillis;
  private Set<String> lastThumbprints; // guarded by stateLock

  /** @param fixedUrl the JWKS URL, or null to find it by OIDC discovery from {@code issuer} */
  ProviderJwksSource(String issuer, URL fixedUrl, ResourceRetriever retriever) {
    this.issuer = issuer;
    this.fixedUrl = fixedUrl;
    this.retriever = retriever;
  }

  @Override
  public JWKSet getJWKSet(JWKSetCacheRefreshEvaluator evaluator, long currentTime, SecurityContext context)
      throws KeySourceException {
    JWKSet set;
    try {
      set = source().getJWKSet(evaluator, currentTime, context);
    } catch (KeySourceException e) {
      failed(e);
      throw e;
    }
    succeeded(set);
    return set;
  }

  /** Runs {@code listener} after each fetch whose key set differs from the previous one. */
  void onKeySetChange(Runnable listener) {
    keySetListeners.add(listener);
  }

  /** The last key set fetched, or null when no fetch has succeeded yet. */
  /** Fetches that brought a key set, fetches that failed, and when the last good one came (0: never). */
  long[] fetchCounts() {
    return new long[] {fetches.get(), failedFetches.get(), lastGoodMillis};
  }

  JWKSet lastGood() {
    return lastGood;
  }

  /** True when the latest fetch failed (the provider is down or answered badly). */
  boolean lastFetchFailed() {
    return lastFetchFailed;
  }

  private synchronized URLBasedJWKSetSource<SecurityContext> source() throws KeySourceException {
    if (jwks == null) {
      URL url = fixedUrl;
      if (url == null) {
        try {
          url = OidcDiscovery.jwksUrl(issuer, retriever);
        } catch (IOException e) {
          throw new JWKSetUnavailableException("OIDC discovery failed for " + issuer + ": " + e.getMessage(), e);
        }
        log.info("issuer {}: discovery names JWKS {}", issuer, url);
      }
      jwks = new URLBasedJWKSetSource<>(url, retriever);
    }
    return jwks;
  }

  private void failed(KeySourceException e) {
    lastFetchFailed = true;
    failedFetches.incrementAndGet();
    log.warn("issuer {}: cannot fetch signing keys: {}", issuer, e.getMessage());
  }

  private void succeeded(JWKSet set) {
    fetches.incrementAndGet();
    lastGoodMillis = System.currentTimeMillis();
    Set<String> thumbprints = thumbprints(set);
    boolean changed;
    synchronized (stateLock) {
      changed = lastThumbprints != null && !lastThumbprints.equals(thumbprints);
      lastGood = set;
      lastThumbprints = thumbprints;
      lastFetchFailed = false;
    }
    log.debug("issuer {}: fetched {} signing key(s)", issuer, set.size());
    if (changed) {
      log.info("issuer {}: signing keys changed, now {} key(s)", issuer, set.size());
      keySetListeners.forEach(Runnable::run);
    }
  }

  /** RFC 7638 thumbprints: the key material itself, so a reused kid with a new key still counts as a change. */
  private static Set<String> thumbprints(JWKSet set) {
    Set<String> out = new TreeSet<>();
    for (JWK key : set.getKeys()) {
      try {
        out.add(key.getKeyID() + "=" + key.computeThumbprint());
      } catch (Exception e) {
        out.add(key.getKeyID() + "=" + key.toJSONString().hashCode());
      }
    }
    return out;
  }

  @Override
  public synchronized void close() throws IOException {
    if (jwks != null) {
      jwks.close();
    }
  }
}
