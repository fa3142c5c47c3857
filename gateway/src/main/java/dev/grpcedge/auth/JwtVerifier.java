package dev.grpcedge.auth;

import static dev.grpcedge.auth.AuthException.unauthenticated;
import static java.util.Objects.requireNonNull;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.BadJWSException;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.nimbusds.jwt.proc.JWTProcessor;
import dev.grpcedge.auth.IssuerClaimsVerifier.RejectedClaimException;
import dev.grpcedge.config.AuthConfig;
import dev.grpcedge.config.IssuerConfig;
import io.grpc.Status;
import java.text.ParseException;
import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * Verifies bearer JWTs against the configured issuers: signature with the issuer's keys, then claims. Safe for
 * concurrent use: everything is built once and never changed.
 */
public final class JwtVerifier {
  private final Map<String, JWTProcessor<SecurityContext>> processorsByIssuer;
  private final TokenCache cache; // null when disabled

  private JwtVerifier(Map<String, JWTProcessor<SecurityContext>> processorsByIssuer, TokenCache cache) {
    this.processorsByIssuer = Map.copyOf(processorsByIssuer);
    this.cache = cache;
  }

  /** Builds one nimbus processor per configured issuer, with keys from each issuer's configured source. */
  public static JwtVerifier create(AuthConfig config) {
    Map<String, JWKSource<SecurityContext>> keysByIssuer = new HashMap<>();
    for (IssuerConfig issuer : config.issuers()) {
      keysByIssuer.put(issuer.issuer(), KeySources.forIssuer(issuer));
    }
    return create(config, keysByIssuer, Clock.systemUTC());
  }

  /** Builds one nimbus processor per configured issuer, with the given key sources and clock. */
  public static JwtVerifier create(
      AuthConfig config, Map<String, JWKSource<SecurityContext>> keysByIssuer, Clock clock) {
    requireNonNull(clock, "clock");
    Map<String, JWTProcessor<SecurityContext>> processors = new HashMap<>();
    TokenCache cache = TokenCache.create(config.tokenCache(), config.clockSkew(), clock);
    for (IssuerConfig issuer : config.issuers()) {
      JWKSource<SecurityContext> keys = keysByIssuer.get(issuer.issuer());
      if (keys == null) {
        throw new IllegalArgumentException("no key source for issuer " + issuer.issuer());
      }
      processors.put(issuer.issuer(), processor(issuer, keys, config, clock));
      if (cache != null && keys instanceof RemoteKeySource remote) {
        remote.onKeySetChange(() -> cache.invalidateIssuer(issuer.issuer()));
      }
    }
    return new JwtVerifier(processors, cache);
  }

  /**
   * Verifies a compact JWS and returns its caller.
   *
   * @throws AuthException UNAUTHENTICATED with a short general reason, or UNAVAILABLE when the issuer's keys
   *     cannot be fetched
   */
  public Principal verify(String token) throws AuthException {
    if (cache == null) {
      return verifyFully(token);
    }
    String key = TokenCache.keyOf(token);
    Principal cached = cache.get(key);
    if (cached != null) {
      return cached;
    }
    long generation = cache.generation();
    Principal principal = verifyFully(token);
    cache.put(key, principal, generation);
    return principal;
  }

  /**
   * Verifies as {@link #verify(String)} and, with the cache on, remembers the verdict as the connection's last
   * token ({@code last}, null for none), which {@link #lastVerified} answers from afterwards.
   */
  public Principal verify(String token, LastToken last) throws AuthException {
    if (cache == null || last == null) {
      return verify(token);
    }
    long generation = cache.generation();
    Principal principal = verify(token);
    last.remember(token, principal, generation);
    return principal;
  }

  /**
   * The principal when {@code header} (a call's raw {@code authorization} value, or null) is {@code Bearer }
   * and the token last verified on the connection, and that verdict still holds; else null. No parsing,
   * scanning or hashing: what a connection that repeats its token pays per call. Always null with the cache off.
   */
  public Principal lastVerified(byte[] header, LastToken last) {
    if (cache == null || last == null || header == null) {
      return null;
    }
    LastToken.Seen seen = last.seen();
    // One vectorized comparison; a header of another spelling is left to the full check.
    boolean holds = seen != null && Arrays.equals(header, seen.header())
        && cache.stillValid(seen.principal(), seen.generation());
    return holds ? seen.principal() : null;
  }

  /**
   * The cached principal for {@code token} if its verdict still holds, remembered as the connection's last token
   * ({@code last}, null for none); else null, and verifying it means checking a signature and perhaps fetching
   * keys. Always null with the cache off.
   */
  public Principal cached(String token, LastToken last) {
    if (cache == null) {
      return null;
    }
    long generation = cache.generation();
    Principal principal = cache.get(TokenCache.keyOf(token));
    if (principal != null && last != null) {
      last.remember(token, principal, generation);
    }
    return principal;
  }

  private Principal verifyFully(String token) throws AuthException {
    try {
      SignedJWT jwt = TokenHeaders.parse(token);
      return PrincipalClaims.toPrincipal(process(jwt));
    } catch (RuntimeException e) {
      // Hostile input must never escape as an unchecked exception (which grpc turns into UNKNOWN): fail closed.
      throw unauthenticated("malformed token", e);
    }
  }

  private JWTClaimsSet process(SignedJWT jwt) throws AuthException {
    JWTProcessor<SecurityContext> processor = processorsByIssuer.get(unverifiedIssuer(jwt));
    if (processor == null) {
      throw unauthenticated("untrusted issuer");
    }
    try {
      return processor.process(jwt, null);
    } catch (RejectedClaimException e) {
      throw unauthenticated(e.getMessage(), e);
    } catch (BadJWSException e) {
      throw unauthenticated("invalid signature", e);
    } catch (BadJOSEException e) {
      // The header already passed TokenHeaders, so what is left is no key fitting the kid and algorithm.
      throw unauthenticated("unknown signing key", e);
    } catch (KeySourceException e) {
      throw new AuthException(Status.UNAVAILABLE.withDescription("identity provider unavailable"), e);
    } catch (JOSEException e) {
      throw unauthenticated("invalid signature", e);
    }
  }

  /** The {@code iss} claim before verification; used only to choose which issuer's keys to verify with. */
  private static String unverifiedIssuer(SignedJWT jwt) throws AuthException {
    String issuer;
    try {
      issuer = jwt.getJWTClaimsSet().getIssuer();
    } catch (ParseException e) {
      throw unauthenticated("malformed token", e);
    }
    if (issuer == null) {
      throw unauthenticated("missing required claim");
    }
    return issuer;
  }

  private static JWTProcessor<SecurityContext> processor(
      IssuerConfig issuer, JWKSource<SecurityContext> keys, AuthConfig config, Clock clock) {
    DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
    processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(TokenHeaders.TYPES));
    // Candidate keys must fit the header's kid and algorithm (kty, crv, alg, use), so a key is never used
    // with an algorithm it was not made for.
    processor.setJWSKeySelector(new IssuerKeySelector(TokenHeaders.ALGORITHMS, keys));
    processor.setJWSVerifierFactory(new IssuerVerifierFactory());
    processor.setJWTClaimsSetVerifier(
        new IssuerClaimsVerifier(issuer.issuer(), issuer.audiences(), config.clockSkew(), clock));
    return processor;
  }

  /** Calls whose token was found in the token cache, since start (0 with the cache off). */
  public long tokenCacheHits() {
    return cache == null ? 0 : cache.hits();
  }

  /** Tokens in the token cache now. */
  public long tokenCacheSize() {
    return cache == null ? 0 : cache.size();
  }
}
