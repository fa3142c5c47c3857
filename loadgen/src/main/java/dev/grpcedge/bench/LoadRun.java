package dev.grpcedge.bench;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** Runs one workload in one load shape: a warm-up that is not counted, then the measured period. */
public final class LoadRun {
  private final Workload workload;
  private final LoadShape shape;
  private final PrintStream progress;

  /** @param progress where a one-line progress report is rewritten every second, or null for none */
  public LoadRun(Workload workload, LoadShape shape, PrintStream progress) {
    this.workload = workload;
    this.shape = shape;
    this.progress = progress;
  }

  /** Warms up, measures for {@code duration}, and returns the recorder with the measured operations. */
  public Measured run(Duration warmup, Duration duration) throws InterruptedException {
    return run(warmup, duration, null);
  }

  /** As {@link #run(Duration, Duration)}, also measuring the CPU time {@code server} uses (null: not measured). */
  public Measured run(Duration warmup, Duration duration, ServerCpu server) throws InterruptedException {
    LatencyRecorder recorder = new LatencyRecorder();
    double cpuUsed;
    if (!warmup.isZero()) {
      shape.drive(workload, recorder, System.nanoTime() + warmup.toNanos());
    }
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread t = new Thread(runnable, "bench-progress");
      t.setDaemon(true);
      return t;
    });
    double cpuStart = server == null ? Double.NaN : server.seconds();
    long start = System.nanoTime();
    recorder.startMeasuring();
    if (progress != null) {
      ticker.scheduleAtFixedRate(() -> progress.printf(Locale.ROOT, "\r  %4.0f/%d s  OK %d  errors %d   ",
          (System.nanoTime() - start) / 1e9, duration.toSeconds(), recorder.ok(), recorder.errors()),
          1, 1, TimeUnit.SECONDS);
    }
    try {
      shape.drive(workload, recorder, start + duration.toNanos());
    } finally {
      recorder.stopMeasuring();
      cpuUsed = server == null ? Double.NaN : server.seconds() - cpuStart;
      ticker.shutdownNow();
      if (progress != null) {
        progress.print("\r" + " ".repeat(60) + "\r");
        progress.flush();
      }
    }
    // The measured time is the offered period: calls finishing after it were started inside it.
    return new Measured(recorder, duration.toNanos() / 1e9, cpuUsed);
  }

  /** What one run measured; {@code serverCpuSeconds} is NaN when not measured. */
  public record Measured(LatencyRecorder recorder, double seconds, double serverCpuSeconds) {
    /** The report for this run. */
    public BenchReport report(String label, String target, String method, LoadShape shape, int connections) {
      return new BenchReport(label, target, method, shape.describe(), connections, seconds, recorder.ok(),
          recorder.errorsByCode(), recorder.latencies(), serverCpuSeconds);
    }
  }
}
