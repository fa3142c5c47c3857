package dev.grpcedge.bench;

import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed offered rate, whatever the server does. Each operation's latency counts from when it was due, not
 * when it was sent, so a stalled server or a late generator shows up in the percentiles (no coordinated
 * omission). The operations due are handed to the workload's {@link Workload#issuer()} (the connections' event
 * loop) at most every {@link #BATCH_MICROS} µs: one thread wake-up per batch instead of one per call kept a
 * one-core generator from becoming the bottleneck at tens of thousands of calls per second. Batching delays a
 * send by less than that, and the delay counts in the latency. A run ends with an error once more than five seconds
 * of calls (at least {@link #MIN_BACKLOG}, at most {@link #MAX_BACKLOG}) are in flight: the target, or this
 * generator, is not keeping up, and queueing more would only fill the generator's heap. A few seconds' backlog is
 * allowed because a generator's own first seconds, before its JIT has compiled it, fall behind at high rates.
 */
public record OpenLoop(double ratePerSecond) implements LoadShape {
  /** The shortest gap between two batches of due operations. */
  public static final long BATCH_MICROS = 100;

  /** The fewest operations in flight that end a run as not keeping up. */
  public static final long MIN_BACKLOG = 1_000;

  /** The most operations in flight before a run ends as not keeping up (a few hundred MB of generator heap). */
  public static final long MAX_BACKLOG = 200_000;

  public OpenLoop {
    if (!(ratePerSecond > 0)) {
      throw new IllegalArgumentException("rate must be positive");
    }
  }

  @Override
  public void drive(Workload workload, LatencyRecorder recorder, long endNanos) throws InterruptedException {
    double intervalNanos = 1e9 / ratePerSecond;
    long start = System.nanoTime();
    Executor issuer = workload.issuer();
    AtomicLong inFlight = new AtomicLong();
    long backlog = Math.min(MAX_BACKLOG, Math.max(MIN_BACKLOG, (long) (5 * ratePerSecond)));
    long next = 0; // the first operation not yet handed over
    while (true) {
      long now = System.nanoTime();
      long from = next;
      long due = dueAt(start, intervalNanos, next);
      while (due - now <= 0 && due - endNanos < 0) {
        due = dueAt(start, intervalNanos, ++next);
      }
      if (next > from) {
        if (inFlight.get() > backlog) {
          throw new IllegalStateException("over " + backlog + " calls in flight: the target (or this load generator) "
              + "is not keeping up with " + describeRate() + "; lower --rate");
        }
        long to = next;
        inFlight.addAndGet(to - from);
        issuer.execute(() -> {
          for (long i = from; i < to; i++) {
            long dueAt = dueAt(start, intervalNanos, i);
            workload.issue(dueAt, code -> {
              recorder.record(dueAt, code);
              inFlight.decrementAndGet();
            });
          }
        });
      }
      if (due - endNanos >= 0) {
        break;
      }
      LockSupport.parkNanos(Math.max(due - System.nanoTime(), TimeUnit.MICROSECONDS.toNanos(BATCH_MICROS)));
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
    long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (inFlight.get() > 0 && System.nanoTime() - giveUp < 0) {
      Thread.sleep(5);
    }
  }

  private static long dueAt(long start, double intervalNanos, long i) {
    return start + (long) (i * intervalNanos);
  }

  @Override
  public String describe() {
    return "open loop, " + describeRate() + " offered";
  }

  private String describeRate() {
    return String.format(java.util.Locale.ROOT, "%.0f", ratePerSecond) + " calls/s";
  }
}
