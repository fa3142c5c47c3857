package dev.grpcedge.bench;

import io.grpc.Status;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Counts operations by status code and records the latency of the {@code OK} ones in an HdrHistogram, in
 * microseconds. Safe to record from many threads; nothing is recorded until {@link #startMeasuring()}.
 */
public final class LatencyRecorder {
  private static final Status.Code[] CODES = Status.Code.values();

  private final Recorder latencies = new Recorder(3);
  private final AtomicLongArray byCode = new AtomicLongArray(CODES.length);
  private volatile boolean measuring;

  /** Records one operation that was due at {@code startNanos} (its intended start, for open loops). */
  public void record(long startNanos, Status.Code code) {
    if (!measuring) {
      return;
    }
    byCode.incrementAndGet(code.ordinal());
    if (code == Status.Code.OK) {
      latencies.recordValue(Math.max(1, TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - startNanos)));
    }
  }

  /** Ends the warm-up: forgets everything seen so far and starts counting. */
  public void startMeasuring() {
    latencies.reset();
    for (int i = 0; i < CODES.length; i++) {
      byCode.set(i, 0);
    }
    measuring = true;
  }

  /** Stops counting; later completions (calls still in flight at the end) are ignored. */
  public void stopMeasuring() {
    measuring = false;
  }

  public long ok() {
    return byCode.get(Status.Code.OK.ordinal());
  }

  /** Operations that did not end {@code OK}. */
  public long errors() {
    long sum = 0;
    for (Status.Code code : CODES) {
      if (code != Status.Code.OK) {
        sum += byCode.get(code.ordinal());
      }
    }
    return sum;
  }

  /** Non-zero error counts by status code. */
  public Map<Status.Code, Long> errorsByCode() {
    Map<Status.Code, Long> out = new EnumMap<>(Status.Code.class);
    for (Status.Code code : CODES) {
      long n = byCode.get(code.ordinal());
      if (code != Status.Code.OK && n > 0) {
        out.put(code, n);
      }
    }
    return out;
  }

  /** The latencies recorded since {@link #startMeasuring()}, in microseconds (call once, at the end). */
  public Histogram latencies() {
    return latencies.getIntervalHistogram();
  }
}
