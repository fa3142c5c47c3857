package dev.grpcedge.bench;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed offered rate, whatever the server does. Each operation's latency counts from when it was due, not
 * when it was sent, so a stalled server or a late generator shows up in the percentiles (no coordinated
 * omission).
 */
public record OpenLoop(double ratePerSecond) implements LoadShape {
  public OpenLoop {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("rate must be positive");
    }
  }

  @Override
  public void drive(Workload workload, LatencyRecorder recorder, long endNanos) throws InterruptedException {
    double intervalNanos = 1e9 / ratePerSecond;
    long start = System.nanoTime();
    AtomicLong inFlight = new AtomicLong();
    for (long i = 0; ; i++) {
      long due = start + (long) (i * intervalNanos);
      if (due - endNanos >= 0) {
        break;
      }
      long wait = due - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
      inFlight.incrementAndGet();
      workload.issue(code -> {
        recorder.record(due, code);
        inFlight.decrementAndGet();
      });
    }
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (inFlight.get() > 0 && System.nanoTime() - giveUp < 0) {
      Thread.sleep(5);
    }
  }

  @Override
  public String describe() {
    return "open loop, " + String.format(java.util.Locale.ROOT, "%.0f", ratePerSecond) + " calls/s offered";
  }
}
