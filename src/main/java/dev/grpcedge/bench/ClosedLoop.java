package dev.grpcedge.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A fixed number of operations in flight: each completion starts the next. It finds the maximum throughput,
 * but its latencies hide queueing (coordinated omission), so latency is measured with {@link OpenLoop}.
 */
public record ClosedLoop(int concurrency) implements LoadShape {
  public ClosedLoop {
    if (concurrency < 1) {
      throw new IllegalArgumentException("concurrency must be at least 1");
    }
  }

  @Override
  public void drive(Workload workload, LatencyRecorder recorder, long endNanos) throws InterruptedException {
    CountDownLatch finished = new CountDownLatch(concurrency);
    for (int i = 0; i < concurrency; i++) {
      next(workload, recorder, endNanos, finished);
    }
    if (!finished.await(TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime()) + 30_000, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("operations still in flight 30s after the end; is the server stuck?");
    }
  }

  private static void next(Workload workload, LatencyRecorder recorder, long endNanos, CountDownLatch finished) {
    long start = System.nanoTime();
    if (start - endNanos >= 0) {
      finished.countDown();
      return;
    }
    workload.issue(code -> {
      recorder.record(start, code);
      next(workload, recorder, endNanos, finished);
    });
  }

  @Override
  public String describe() {
    return "closed loop, " + concurrency + " in flight";
  }
}
