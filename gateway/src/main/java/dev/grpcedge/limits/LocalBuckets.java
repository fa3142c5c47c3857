package dev.grpcedge.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

/**
 * Buckets in this gateway's memory: each replica limits on its own. A bucket unused for as long as the slowest
 * bucket takes to refill is forgotten (by then it is full, so forgetting it changes nothing), and at most
 * {@value #MAX_BUCKETS} are kept, so callers that never come back cost nothing.
 */
public final class LocalBuckets implements Buckets {
  static final int MAX_BUCKETS = 1_000_000;

  private final Cache<String, Bucket> buckets;

  /** Buckets forgotten after {@code refill} unused: the longest time any of them takes to refill from empty. */
  public LocalBuckets(Duration refill) {
    buckets = Caffeine.newBuilder().expireAfterAccess(refill).maximumSize(MAX_BUCKETS).build();
  }

  @Override
  public CompletableFuture<ConsumptionProbe> consume(String key, BucketConfiguration config, long tokens) {
    return CompletableFuture.completedFuture(bucket(key, config).tryConsumeAndReturnRemaining(tokens));
  }

  /** The bucket {@code key}, made with {@code config} if new. */
  Bucket bucket(String key, BucketConfiguration config) {
    return buckets.get(key, k -> {
      // Synchronized, not lock-free: a lock-free bucket allocates a new state on every take, and a caller's calls
      // mostly come on one thread anyway.
      var builder = Bucket.builder().withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED);
      for (Bandwidth limit : config.getBandwidths()) {
        builder.addLimit(limit);
      }
      return builder.build();
    });
  }

  @Override
  public void close() {
    buckets.invalidateAll();
  }
}
