package dev.grpcedge.limits;

import dev.grpcedge.config.LimitsConfig.StoreFailure;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Whether the bucket store answers: one WARN when it stops, one INFO when it is back, and a count of failures. */
final class StoreHealth {
  private static final Logger log = LoggerFactory.getLogger(StoreHealth.class);

  private final StoreFailure onFailure;
  private final AtomicBoolean down = new AtomicBoolean();
  private final LongAdder failures = new LongAdder();
  private final LongAdder failuresWhileDown = new LongAdder();

  StoreHealth(StoreFailure onFailure) {
    this.onFailure = onFailure;
  }

  void failed(Throwable error) {
    failures.increment();
    failuresWhileDown.increment();
    if (down.compareAndSet(false, true)) {
      Throwable cause = error.getCause() != null && error instanceof java.util.concurrent.CompletionException
          ? error.getCause() : error;
      log.warn("rate-limit store unreachable ({}); calls are {} until it answers again (limits.on_store_failure: {})",
          cause instanceof java.util.concurrent.TimeoutException ? "no answer within limits.redis.timeout"
              : cause.getClass().getSimpleName() + ": " + cause.getMessage(),
          onFailure == StoreFailure.ALLOW ? "admitted without per-caller limits" : "refused with UNAVAILABLE",
          onFailure.name().toLowerCase(java.util.Locale.ROOT));
    }
  }

  void answered() {
    if (down.get() && down.compareAndSet(true, false)) {
      log.info("rate-limit store answers again; {} checks failed while it was down", failuresWhileDown.sumThenReset());
    }
  }

  /** Checks that failed because the store could not be reached, since start. */
  long failures() {
    return failures.sum();
  }

  boolean down() {
    return down.get();
  }
}
