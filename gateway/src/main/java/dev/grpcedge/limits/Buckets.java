package dev.grpcedge.limits;

import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import java.util.concurrent.CompletableFuture;

/** Where the callers' token buckets live: this gateway's memory, or a store that a fleet shares. */
public interface Buckets extends AutoCloseable {
  /**
   * Takes {@code tokens} from the bucket {@code key} (made with {@code config} if new). The future fails when the
   * store cannot be reached; it is complete at once for a local store.
   */
  CompletableFuture<ConsumptionProbe> consume(String key, BucketConfiguration config, long tokens);

  /** True when a failed {@link #consume} means the store is down (never for a local store). */
  default boolean remote() {
    return false;
  }

  @Override
  void close();
}
