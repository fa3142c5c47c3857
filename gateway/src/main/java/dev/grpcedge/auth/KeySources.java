package dev.grpcedge.auth;

import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import dev.grpcedge.config.ConfigException;
import dev.grpcedge.config.IssuerConfig;
import dev.grpcedge.config.KeyCacheConfig;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;

/** Where an issuer's public signing keys come from: a local JWKS file, a JWKS URL, or OIDC discovery. */
public final class KeySources {
  private static final AtomicInteger SOURCES = new AtomicInteger();

  private KeySources() {}

  /**
   * Keys fetched from a JWKS URL, cached and refreshed as {@code keys} says. Nothing is fetched until
   * {@link RemoteKeySource#warm()} or the first call.
   */
  public static RemoteKeySource fromUrl(String issuer, URI jwksUrl, KeyCacheConfig keys) {
    try {
      return remote(issuer, jwksUrl.toURL(), keys);
    } catch (MalformedURLException | IllegalArgumentException e) {
      throw new ConfigException(jwksUrl.toString(), "not a URL");
    }
  }

  /** Keys from the JWKS URL named by {@code <issuer>/.well-known/openid-configuration}, found on first fetch. */
  public static RemoteKeySource fromDiscovery(String issuer, KeyCacheConfig keys) {
    return remote(issuer, null, keys);
  }

  /** The key source {@code issuer}'s config names. */
  public static JWKSource<SecurityContext> forIssuer(IssuerConfig issuer) {
    if (issuer.jwksFile() != null) {
      return fromFile(issuer.jwksFile());
    }
    return issuer.discovery()
        ? fromDiscovery(issuer.issuer(), issuer.keys())
        : fromUrl(issuer.issuer(), issuer.jwksUrl(), issuer.keys());
  }

  private static RemoteKeySource remote(String issuer, URL fixedUrl, KeyCacheConfig keys) {
    int timeout = (int) keys.httpTimeout().toMillis();
    var retriever = new DefaultResourceRetriever(timeout, timeout, keys.maxResponseBytes());
    var provider = new ProviderJwksSource(issuer, fixedUrl, retriever);
    String threads = "grpc-edge-jwks-" + SOURCES.incrementAndGet();
    JWKSource<SecurityContext> chain = JWKSourceBuilder.create(provider)
        // Callers waiting on one refresh give up after this; the fetch itself is bounded by the HTTP timeouts.
        .cache(keys.cacheTtl().toMillis(), keys.refreshTimeout().toMillis())
        .refreshAheadCache(keys.refreshAhead().toMillis(), null,
            Executors.newSingleThreadExecutor(daemon(threads + "-refresh")), true,
            Executors.newSingleThreadScheduledExecutor(daemon(threads + "-schedule")), true)
        // At most two fetches per interval (refetches for unknown kids and background refreshes alike): random
        // kids must not become requests to the IdP.
        .rateLimited(keys.minRefetchInterval().toMillis())
        // No retries on the call path: a second attempt doubles the wait of every caller behind it.
        .retrying(false)
        .outageTolerant(keys.outageTolerance().toMillis())
        .build();
    return new RemoteKeySource(chain, provider);
  }

  private static ThreadFactory daemon(String name) {
    return runnable -> {
      Thread t = new Thread(runnable, name);
      t.setDaemon(true);
      return t;
    };
  }

  /**
   * Loads the public keys of a JWKS file once.
   *
   * @throws ConfigException {@code "<path>: <problem>"} when the file is missing, unreadable, not a JWKS
   *     document, holds no keys, or holds a private or secret key
   */
  public static JWKSource<SecurityContext> fromFile(Path jwksFile) {
    String where = jwksFile.toString();
    String text;
    try {
      text = Files.readString(jwksFile, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new ConfigException(where, "file not found");
    } catch (CharacterCodingException e) {
      throw notJwks(where);
    } catch (IOException e) {
      throw new ConfigException(where, "cannot read: " + e.getClass().getSimpleName());
    }
    JWKSet keys;
    try {
      keys = JWKSet.parse(text);
    } catch (ParseException e) {
      // The parser's message is not repeated: it may quote the file, which could be a misplaced secret.
      throw notJwks(where);
    }
    if (keys.isEmpty()) {
      throw new ConfigException(where, "holds no keys (keys of unsupported types are skipped)");
    }
    for (JWK key : keys.getKeys()) {
      if (key.isPrivate()) {
        // A private key here means it was copied where it does not belong; refuse to run with it.
        String kid = key.getKeyID() == null ? "" : " (kid " + key.getKeyID() + ")";
        throw new ConfigException(where, "holds a private or secret key" + kid + "; publish only public keys");
      }
    }
    return new ImmutableJWKSet<>(keys);
  }

  private static ConfigException notJwks(String where) {
    return new ConfigException(where, "not a JWKS document (expected a JSON object with a \"keys\" array)");
  }
}
