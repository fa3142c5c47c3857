package dev.grpcedge.auth;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKMatcher;
import com.nimbusds.jose.jwk.JWKSelector;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.nimbusds.jose.proc.SecurityContext;
import java.io.Closeable;
import java.io.IOException;
import java.util.List;

/**
 * An issuer's keys fetched from its identity provider through nimbus's source chain, with outcomes mapped to what
 * the caller should be told: a {@code kid} the provider does not publish is an unknown key (UNAUTHENTICATED),
 * while no key set yet, or a {@code kid} missing while the provider is down, is a {@link KeySourceException}
 * (UNAVAILABLE: the caller should retry).
 */
public final class RemoteKeySource implements JWKSource<SecurityContext>, Closeable {
  private final JWKSource<SecurityContext> chain;
  private final ProviderJwksSource provider;

  RemoteKeySource(JWKSource<SecurityContext> chain, ProviderJwksSource provider) {
    this.chain = chain;
    this.provider = provider;
  }

  @Override
  public List<JWK> get(JWKSelector selector, SecurityContext context) throws KeySourceException {
    List<JWK> found;
    try {
      found = chain.get(selector, context);
    } catch (RateLimitReachedException e) {
      // An unknown kid asked for a refetch too soon after the last one: answer from the set fetched then, so a
      // flood of made-up kids neither reaches the provider nor turns into UNAVAILABLE.
      JWKSet lastGood = provider.lastGood();
      if (lastGood == null || provider.lastFetchFailed()) {
        throw e;
      }
      found = selector.select(lastGood);
    }
    if (found.isEmpty() && provider.lastFetchFailed()) {
      throw new KeySourceException("identity provider unreachable and the kid is not in the last good key set");
    }
    return found;
  }

  /**
   * Fetches the key set now (done at start-up, so the first calls need not wait).
   *
   * @return the number of keys
   * @throws KeySourceException when the provider cannot be reached or answers badly
   */
  public int warm() throws KeySourceException {
    return chain.get(new JWKSelector(new JWKMatcher.Builder().build()), null).size();
  }

  /** Key-set fetches that succeeded, since start. */
  public long fetches() {
    return provider.fetchCounts()[0];
  }

  /** Key-set fetches that failed, since start. */
  public long failedFetches() {
    return provider.fetchCounts()[1];
  }

  /** When the key set in use was fetched (Unix milliseconds), or 0 before the first good fetch. */
  public long lastGoodMillis() {
    return provider.fetchCounts()[2];
  }

  /** Runs {@code listener} whenever a fetch brings a key set different from the previous one. */
  public void onKeySetChange(Runnable listener) {
    provider.onKeySetChange(listener);
  }

  /** Stops background refreshes. */
  @Override
  public void close() throws IOException {
    if (chain instanceof Closeable closeable) {
      closeable.close();
    }
  }
}
