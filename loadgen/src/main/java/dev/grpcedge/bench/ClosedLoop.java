package dev.grpcedge.bench;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

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
      new Slot(workload, recorder, endNanos, finished).next();
    }
    if (!finished.await(TimeUnit.NANOSECONDS.toMillis(endNanos - System.nanoTime()) + 30_000, TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException("operations still in flight 30s after the end; is the server stuck?");
    }
  }

  /**
   * One operation in flight at a time. An operation that fails as it starts (the server is down, so the channel
   * fails calls at once) completes on the issuing thread, inside {@link Workload#issue}; the next one is then
   * issued by the loop already running rather than by a nested call, so the stack stays flat however many fail.
   */
  private static final class Slot {
    private final Workload workload;
    private final LatencyRecorder recorder;
    private final long endNanos;
    private final CountDownLatch finished;
    // Operations to issue; the thread that moves it from 0 issues them all.
    private final AtomicInteger due = new AtomicInteger();

    Slot(Workload workload, LatencyRecorder recorder, long endNanos, CountDownLatch finished) {
      this.workload = workload;
      this.recorder = recorder;
      this.endNanos = endNanos;
      this.finished = finished;
    }

    void next() {
      if (due.getAndIncrement() != 0) {
        return;
      }
      do {
        long start = System.nanoTime();
        if (start - endNanos >= 0) {
          finished.countDown();
          return;
        }
        workload.issue(code -> {
          recorder.record(start, code);
          next();
        });
      } while (due.decrementAndGet() != 0);
    }
  }

  @Override
  public String describe() {
    return "closed loop, " + concurrency + " in flight";
  }
}
