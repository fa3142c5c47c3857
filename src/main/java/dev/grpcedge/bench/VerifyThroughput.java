package dev.grpcedge.bench;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.Ed25519Signer;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetKeyPairGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.grpcedge.auth.AuthException;
import dev.grpcedge.auth.JwtVerifier;
import dev.grpcedge.config.AuthConfig;
import dev.grpcedge.config.IssuerConfig;
import dev.grpcedge.config.TokenCacheConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Uncached token verifications per second through the gateway's own {@link JwtVerifier} (signature and every
 * claim check), for one signing algorithm, on several threads. Every token is distinct, so nothing a verifier
 * might remember helps.
 */
public final class VerifyThroughput {
  static final String ISSUER = "https://bench.invalid";
  static final String AUDIENCE = "grpc-edge";
  private static final int TOKENS = 512;

  /** The algorithms measured, each with a freshly generated key. */
  public enum Algorithm {
    RS256,
    ES256,
    EdDSA
  }

  private final JwtVerifier verifier;
  private final List<String> tokens;

  private VerifyThroughput(JwtVerifier verifier, List<String> tokens) {
    this.verifier = verifier;
    this.tokens = tokens;
  }

  /** Generates a key for {@code algorithm}, mints distinct tokens with it and builds a verifier that trusts it. */
  public static VerifyThroughput prepare(Algorithm algorithm) {
    try {
      JWK key = switch (algorithm) {
        case RS256 -> new RSAKeyGenerator(2048).keyID("bench").generate();
        case ES256 -> new ECKeyGenerator(Curve.P_256).keyID("bench").generate();
        case EdDSA -> new OctetKeyPairGenerator(Curve.Ed25519).keyID("bench").generate();
      };
      JWSSigner signer = switch (algorithm) {
        case RS256 -> new RSASSASigner(key.toRSAKey());
        case ES256 -> new ECDSASigner(key.toECKey());
        case EdDSA -> new Ed25519Signer(key.toOctetKeyPair());
      };
      JWSAlgorithm alg = JWSAlgorithm.parse(algorithm.name());
      Instant now = Instant.now();
      List<String> tokens = new ArrayList<>();
      for (int i = 0; i < TOKENS; i++) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE).subject("user-" + i)
            .claim("scope", "greet").issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)))
            .jwtID("bench-" + i).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(alg).keyID("bench").type(JOSEObjectType.JWT).build(), claims);
        jwt.sign(signer);
        tokens.add(jwt.serialize());
      }
      // The cache off: this measures what every first sight of a token costs (signature and claims).
      AuthConfig config = new AuthConfig(
          List.of(new IssuerConfig(ISSUER, Path.of("bench.jwks.json"), Set.of(AUDIENCE))), List.of(),
          Duration.ofSeconds(60), 8192, new TokenCacheConfig(false, 1));
      Map<String, com.nimbusds.jose.jwk.source.JWKSource<SecurityContext>> keys =
          Map.of(ISSUER, new ImmutableJWKSet<>(new JWKSet(key.toPublicJWK())));
      return new VerifyThroughput(JwtVerifier.create(config, keys, Clock.systemUTC()), List.copyOf(tokens));
    } catch (JOSEException e) {
      throw new IllegalStateException("cannot make " + algorithm + " bench tokens: " + e.getMessage(), e);
    }
  }

  /**
   * Verifies on {@code threads} threads for {@code warmup} (uncounted), then {@code duration}.
   *
   * @return verifications per second of wall time, and per second of CPU time the verifying threads got; on a
   *     shared machine the second is the steadier figure, as it does not count time other processes took
   */
  public Result run(int threads, Duration warmup, Duration duration) throws InterruptedException {
    verifyFor(threads, warmup, new AtomicLong());
    AtomicLong cpuNanos = new AtomicLong();
    long n = verifyFor(threads, duration, cpuNanos);
    return new Result(n / (duration.toNanos() / 1e9), n / (cpuNanos.get() / 1e9));
  }

  /** Verifications per second of wall time and per CPU-second. */
  public record Result(double perSecond, double perCpuSecond) {}

  private long verifyFor(int threads, Duration period, AtomicLong cpuNanos) throws InterruptedException {
    java.lang.management.ThreadMXBean cpu = java.lang.management.ManagementFactory.getThreadMXBean();
    AtomicLong total = new AtomicLong();
    long end = System.nanoTime() + period.toNanos();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int offset = t;
      Thread worker = new Thread(() -> {
        long cpuStart = cpu.getCurrentThreadCpuTime();
        long n = 0;
        for (int i = offset; System.nanoTime() - end < 0; i++) {
          try {
            verifier.verify(tokens.get(i % tokens.size()));
          } catch (AuthException e) {
            throw new IllegalStateException("a bench token was refused: " + e.status(), e);
          }
          n++;
        }
        total.addAndGet(n);
        cpuNanos.addAndGet(cpu.getCurrentThreadCpuTime() - cpuStart);
      }, "bench-verify-" + t);
      workers.add(worker);
      worker.start();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    return total.get();
  }
}
