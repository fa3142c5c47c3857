package dev.grpcedge.bench;

/** How operations are offered: a fixed concurrency (closed loop) or a fixed rate (open loop). */
public sealed interface LoadShape permits ClosedLoop, OpenLoop {
  /** Issues operations until {@code endNanos} ({@link System#nanoTime()}), then waits for those in flight. */
  void drive(Workload workload, LatencyRecorder recorder, long endNanos) throws InterruptedException;

  /** A short description for reports, e.g. {@code closed loop, 64 in flight}. */
  String describe();

  static LoadShape closed(int concurrency) {
    return new ClosedLoop(concurrency);
  }

  static LoadShape open(double ratePerSecond) {
    return new OpenLoop(ratePerSecond);
  }
}
