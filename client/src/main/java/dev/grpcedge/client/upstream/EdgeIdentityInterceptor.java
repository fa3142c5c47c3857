package dev.grpcedge.client.upstream;

import com.google.common.cache.Cache;
import com.google.common.cache.CacheBuilder;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.proc.DefaultJWTClaimsVerifier;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

/**
 * For an upstream server behind grpc-edge: accepts only calls that carry the gateway's signed identity token
 * ({@code grpc-edge-identity}) for this upstream, and puts the caller in the call's {@link Context} as
 * {@link EdgeIdentity#current()}. Everything else is refused with {@code UNAUTHENTICATED}: a call straight to the
 * upstream, a token for another upstream, signed by another key, expired, or of another type.
 *
 * <pre>{@code
 * ServerInterceptor edge = EdgeIdentityInterceptor.newBuilder()
 *     .issuer("grpc-edge").audience("greeters")
 *     .jwksUrl(URI.create("https://edge.example.com:8444/.well-known/jwks.json"), Path.of("ca.pem"))
 *     .build();
 * server.addService(ServerInterceptors.intercept(service, edge));
 * }</pre>
 *
 * <p>It needs {@code com.nimbusds:nimbus-jose-jwt}, an optional dependency of this library that a server adds.
 * Verified tokens are remembered until they expire (the gateway reuses one per caller for most of its minute), and
 * a token signed by a key not yet seen fetches the key set again, so the gateway's keys rotate without a restart.
 */
public final class EdgeIdentityInterceptor implements ServerInterceptor {
  private static final Logger log = Logger.getLogger(EdgeIdentityInterceptor.class.getName());
  /** The header the gateway sets. */
  public static final Metadata.Key<String> HEADER = Metadata.Key.of("grpc-edge-identity",
      Metadata.ASCII_STRING_MARSHALLER);
  private static final JOSEObjectType TYPE = new JOSEObjectType("grpc-edge-identity+jwt");
  /** The gateway signs for a minute at most; a longer token did not come from it. */
  private static final Duration MAX_LIFETIME = Duration.ofSeconds(60);

  private final DefaultJWTProcessor<SecurityContext> processor;
  private final Cache<String, EdgeIdentity> verified;
  private final Clock clock;

  private EdgeIdentityInterceptor(DefaultJWTProcessor<SecurityContext> processor, Clock clock) {
    this.processor = processor;
    this.clock = clock;
    this.verified = CacheBuilder.newBuilder().maximumSize(10_000).expireAfterWrite(MAX_LIFETIME.getSeconds() + 60,
        TimeUnit.SECONDS).build();
  }

  public static Builder newBuilder() {
    return new Builder();
  }

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    String token = headers.get(HEADER);
    if (token == null) {
      call.close(Status.UNAUTHENTICATED.withDescription("calls must come through grpc-edge"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    EdgeIdentity identity = verify(token);
    if (identity == null) {
      call.close(Status.UNAUTHENTICATED.withDescription("the grpc-edge identity token is not valid"), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(Context.current().withValue(EdgeIdentity.KEY, identity), call, headers, next);
  }

  /** The identity in {@code token}, or null when it is not a valid token of the gateway's for this upstream. */
  EdgeIdentity verify(String token) {
    EdgeIdentity known = verified.getIfPresent(token);
    if (known != null) {
      return clock.instant().isBefore(known.expiresAt()) ? known : null;
    }
    try {
      JWTClaimsSet claims = processor.process(token, null);
      Instant issued = claims.getIssueTime().toInstant();
      Instant expires = claims.getExpirationTime().toInstant();
      if (Duration.between(issued, expires).compareTo(MAX_LIFETIME) > 0) {
        log.fine("identity token refused: lives longer than a minute");
        return null;
      }
      String scope = claims.getStringClaim("scope");
      Set<String> scopes = scope == null || scope.isEmpty() ? Set.of()
          : new HashSet<>(Arrays.asList(scope.split(" ")));
      EdgeIdentity identity = new EdgeIdentity(claims.getSubject(), scopes, claims.getStringClaim("orig_iss"),
          claims.getStringClaim("client_id"), claims.getStringClaim("cert_sub"), expires);
      verified.put(token, identity);
      return identity;
    } catch (Exception e) {
      // The reason goes to the log, never to the caller, and never the token itself.
      log.log(Level.FINE, "identity token refused: {0}", e.getMessage());
      return null;
    }
  }

  /** What an upstream trusts: the gateway's issuer name, its own name as the audience, and the gateway's keys. */
  public static final class Builder {
    private String issuer = "grpc-edge";
    private String audience;
    private JWKSource<SecurityContext> keys;
    private Duration refetchInterval = Duration.ofSeconds(30);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The gateway's {@code identity.issuer} (default {@code grpc-edge}). */
    public Builder issuer(String issuer) {
      this.issuer = Objects.requireNonNull(issuer, "issuer");
      return this;
    }

    /** This upstream's name in the gateway's config ({@code upstreams.NAME}), the tokens' audience. Required. */
    public Builder audience(String audience) {
      this.audience = Objects.requireNonNull(audience, "audience");
      return this;
    }

    /** The least time between two fetches of the key set for a key not seen yet (default 30 s). */
    public Builder refetchInterval(Duration interval) {
      this.refetchInterval = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /**
     * The gateway's published keys, fetched over HTTPS (its web listener serves {@code /.well-known/jwks.json}),
     * cached for five minutes and fetched again for a key not seen yet.
     *
     * @param caFile PEM CA bundle that signs the gateway's certificate, or null for the JVM's trust store
     */
    public Builder jwksUrl(URI url, Path caFile) {
      try {
        SSLSocketFactory tls = caFile == null ? null : trusting(caFile);
        DefaultResourceRetriever retriever = new DefaultResourceRetriever(2_000, 2_000, 256 * 1024, true, tls);
        this.keys = JWKSourceBuilder.create(url.toURL(), retriever)
            .cache(TimeUnit.MINUTES.toMillis(5), 2_000)
            .rateLimited(refetchInterval.toMillis())
            .outageTolerant(TimeUnit.HOURS.toMillis(24))
            .build();
      } catch (IOException | GeneralSecurityException e) {
        throw new IllegalArgumentException("cannot fetch keys from " + url + ": " + e.getMessage(), e);
      }
      return this;
    }

    /** The gateway's published keys as a fixed JWK Set document (tests, or a key set mounted as a file). */
    public Builder jwks(String jwkSetJson) {
      try {
        this.keys = new ImmutableJWKSet<>(JWKSet.parse(jwkSetJson));
      } catch (java.text.ParseException e) {
        throw new IllegalArgumentException("not a JWK Set: " + e.getMessage(), e);
      }
      return this;
    }

    Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    public EdgeIdentityInterceptor build() {
      if (audience == null) {
        throw new IllegalStateException("audience is required: this upstream's name in the gateway's config");
      }
      if (keys == null) {
        throw new IllegalStateException("the gateway's keys are required: jwksUrl(...) or jwks(...)");
      }
      DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
      processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(TYPE));
      // ES256 only: the gateway signs nothing else, and an allowlist shuts out "none" and key confusion.
      processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, keys));
      processor.setJWTClaimsSetVerifier(new DefaultJWTClaimsVerifier<>(audience,
          new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("iat", "exp")));
      return new EdgeIdentityInterceptor(processor, clock);
    }

    private static SSLSocketFactory trusting(Path caFile) throws IOException, GeneralSecurityException {
      KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
      store.load(null, null);
      try (InputStream in = Files.newInputStream(caFile)) {
        int i = 0;
        for (Certificate ca : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
          store.setCertificateEntry("ca-" + i++, ca);
        }
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, tmf.getTrustManagers(), null);
      return context.getSocketFactory();
    }
  }
}
