package dev.grpcedge.bench;

import io.grpc.Status;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.ToDoubleFunction;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

/**
 * One load shared by two targets, A and B, that take turns every slice: A B, B A, A B, ... Each slice is paired
 * with the next, and a ratio is the median of the pairs' A / B. On a shared machine whose speed moves from one
 * second to the next (a server's rate here went from 33,600 to 71,600 calls/s two 5-second rounds apart), the two
 * slices of a pair, a tenth of a second apart, see the same machine; runs of one side at a time, seconds apart, do
 * not. Short slices buy precision: in one minute, 300 pairs of 100 ms put the median's bootstrap standard error at
 * 0.008-0.009, where 60 pairs of 500 ms left it at 0.017-0.025 (same servers, same run). Each operation goes to the
 * side whose turn it is when it starts, so the load in flight moves over at once; the calls still in flight at a
 * hand-over (about one round trip, a millisecond or so) count for neither side's OK count. Latency is kept per
 * slice too, from when each operation was due (an open loop's intended start), in the slice it started in: a pair's
 * p99 ratio compares two turns that saw the same machine, where whole runs' tails were set by a stall or two.
 */
public final class TakingTurns implements Workload {
  /** Which side a slice is: 0 is A, 1 is B. Pairs alternate their order so a steady trend favours neither. */
  static int sideOf(int slice) {
    int first = (slice / 2) % 2;
    return slice % 2 == 0 ? first : 1 - first;
  }

  /** The longest latency a slice's histogram holds apart, in microseconds; longer ones count as this. */
  static final long MAX_SLICE_LATENCY_MICROS = TimeUnit.SECONDS.toMicros(60);

  private static final int BOOTSTRAP_RESAMPLES = 1_000;

  private final Workload[] workloads;
  private final ServerCpu[] servers;
  private final LatencyRecorder[] recorders = {new LatencyRecorder(), new LatencyRecorder()};
  private volatile Turn turn = new Turn(0, -1);
  private volatile AtomicLongArray okBySlice = new AtomicLongArray(0);
  private volatile Histogram[] latencyBySlice = new Histogram[0];

  /** Whose turn it is; slice -1 is the warm-up, whose operations are not counted. */
  private record Turn(int side, int slice) {}

  /** @param serverA the CPU time of A's server, or null when not measured (and the same for B) */
  public TakingTurns(Workload a, Workload b, ServerCpu serverA, ServerCpu serverB) {
    this.workloads = new Workload[] {a, b};
    this.servers = new ServerCpu[] {serverA, serverB};
  }

  @Override
  public void issue(Consumer<Status.Code> done) {
    issue(System.nanoTime(), done);
  }

  @Override
  public void issue(long dueNanos, Consumer<Status.Code> done) {
    Turn at = turn;
    int side = at.side();
    Histogram sliceLatencies = at.slice() >= 0 ? latencyBySlice[at.slice()] : null;
    workloads[side].issue(code -> {
      recorders[side].record(dueNanos, code);
      Turn now = turn;
      if (code == Status.Code.OK) {
        if (sliceLatencies != null) {
          long micros = TimeUnit.NANOSECONDS.toMicros(System.nanoTime() - dueNanos);
          sliceLatencies.recordValue(Math.min(MAX_SLICE_LATENCY_MICROS, Math.max(1, micros)));
        }
        // Counted in the slice it ends in, when that slice is its side's turn.
        if (now.side() == side && now.slice() >= 0) {
          okBySlice.incrementAndGet(now.slice());
        }
      }
      done.accept(code);
    });
  }

  /** The event loop of the side whose turn it is, so an open loop's batches start there without a thread hop. */
  @Override
  public Executor issuer() {
    return command -> workloads[turn.side()].issuer().execute(command);
  }

  /**
   * Drives {@code shape} over both sides for the warm-up (turns taken, nothing counted) and then for
   * {@code 2 * pairs} measured slices.
   */
  public Result run(LoadShape shape, long sliceNanos, long warmupNanos, int pairs) throws InterruptedException {
    if (sliceNanos <= 0 || pairs < 1) {
      throw new IllegalArgumentException("the slice must be positive and pairs at least 1");
    }
    int slices = 2 * pairs;
    okBySlice = new AtomicLongArray(slices);
    Histogram[] latencies = new Histogram[slices];
    for (int i = 0; i < slices; i++) {
      latencies[i] = new AtomicHistogram(MAX_SLICE_LATENCY_MICROS, 2);
    }
    latencyBySlice = latencies;
    long start = System.nanoTime();
    long measureFrom = start + warmupNanos;
    List<Slice> taken = new ArrayList<>();
    Thread turns = new Thread(() -> takeTurns(start, measureFrom, sliceNanos, slices, taken), "bench-turns");
    turns.setDaemon(true);
    turns.start();
    boolean driven = false;
    try {
      shape.drive(this, new LatencyRecorder(), measureFrom + slices * sliceNanos);
      driven = true;
    } finally {
      if (!driven) {
        turns.interrupt();
      }
      // After a full drive the last slice has ended too: the drive waited for its end and then for what was in flight.
      turns.join();
      recorders[0].stopMeasuring();
      recorders[1].stopMeasuring();
    }
    return new Result(List.copyOf(taken), recorders[0], recorders[1]);
  }

  /** Hands the turn over at each slice's end and notes what the slice counted. */
  private void takeTurns(long start, long measureFrom, long sliceNanos, int slices, List<Slice> taken) {
    try {
      // Warm-up: both sides get load in the same turns, uncounted.
      for (int i = 0; System.nanoTime() - measureFrom < 0; i++) {
        turn = new Turn(sideOf(i), -1);
        sleepUntil(Math.min(measureFrom, start + (i + 1) * sliceNanos));
      }
      recorders[0].startMeasuring();
      recorders[1].startMeasuring();
      for (int i = 0; i < slices; i++) {
        int side = sideOf(i);
        double cpu = cpuSeconds(side);
        long from = System.nanoTime();
        turn = new Turn(side, i);
        sleepUntil(measureFrom + (i + 1) * sliceNanos);
        long to = System.nanoTime();
        // The next turn starts before this one's count is read; operations of this side still ending are its tail.
        turn = new Turn(i + 1 < slices ? sideOf(i + 1) : side, i + 1 < slices ? i + 1 : -1);
        taken.add(new Slice(side, okBySlice.get(i), (to - from) / 1e9, cpuSeconds(side) - cpu, latencyBySlice[i]));
      }
    } catch (InterruptedException e) {
      // The drive ended early (it failed); the slices taken so far are kept.
    }
  }

  private double cpuSeconds(int side) {
    return servers[side] == null ? Double.NaN : servers[side].seconds();
  }

  private static void sleepUntil(long deadline) throws InterruptedException {
    for (long left; (left = deadline - System.nanoTime()) > 0; ) {
      LockSupport.parkNanos(left);
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  @Override
  public void close() {
    workloads[0].close();
    workloads[1].close();
  }

  /**
   * One measured slice: {@code side} 0 is A, 1 is B; {@code cpuSeconds} is what that side's server used in it
   * (NaN when not measured); {@code latencies} holds the OK operations started in it, in microseconds from when
   * each was due (filled in until the run ends).
   */
  public record Slice(int side, long ok, double seconds, double cpuSeconds, Histogram latencies) {
    double okPerSecond() {
      return ok / seconds;
    }

    double okPerCpuSecond() {
      return cpuSeconds > 0 ? ok / cpuSeconds : Double.NaN;
    }

    /** The latency at {@code percentile} (0 to 100) in microseconds, NaN when no OK operation started here. */
    double latencyMicros(double percentile) {
      return latencies.getTotalCount() == 0 ? Double.NaN : latencies.getValueAtPercentile(percentile);
    }
  }

  /** The slices in the order taken, and each side's operations (status codes and latencies) over all of them. */
  public record Result(List<Slice> slices, LatencyRecorder a, LatencyRecorder b) {
    /** Each pair's A / B in OK per second, in pair order. */
    public List<Double> pairRatios() {
      return pairRatios(Slice::okPerSecond);
    }

    /** Each pair's A / B in OK per server CPU-second; empty when CPU time was not measured. */
    public List<Double> pairRatiosPerCpuSecond() {
      return pairRatios(Slice::okPerCpuSecond);
    }

    /** Each pair's A / B of the latency at {@code percentile} (0 to 100), in pair order. */
    public List<Double> pairLatencyRatios(double percentile) {
      return pairRatios(s -> s.latencyMicros(percentile));
    }

    private List<Double> pairRatios(ToDoubleFunction<Slice> measure) {
      List<Double> out = new ArrayList<>();
      for (int i = 0; i + 1 < slices.size(); i += 2) {
        Slice first = slices.get(i);
        Slice second = slices.get(i + 1);
        Slice a = first.side() == 0 ? first : second;
        Slice b = first.side() == 0 ? second : first;
        double r = measure.applyAsDouble(a) / measure.applyAsDouble(b);
        if (Double.isFinite(r)) {
          out.add(r);
        }
      }
      return out;
    }

    /**
     * Side {@code side}'s report ({@code 0} A, {@code 1} B): its OK operations are those that ended in its turns,
     * over the time of its turns; its errors and latencies are all of its operations while measuring.
     */
    public BenchReport report(int side, String label, String target, String method, String shape, int connections) {
      LatencyRecorder recorder = side == 0 ? a : b;
      long ok = slices.stream().filter(s -> s.side() == side).mapToLong(Slice::ok).sum();
      return new BenchReport(label, target, method, shape, connections, seconds(side), ok, recorder.errorsByCode(),
          recorder.latencies(), cpuSeconds(side));
    }

    /** Seconds of the side's turns ({@code 0} A, {@code 1} B). */
    public double seconds(int side) {
      return slices.stream().filter(s -> s.side() == side).mapToDouble(Slice::seconds).sum();
    }

    /** Server CPU-seconds of the side's turns, NaN when not measured. */
    public double cpuSeconds(int side) {
      return slices.stream().filter(s -> s.side() == side).mapToDouble(Slice::cpuSeconds).sum();
    }

    /** The median of {@code values}, NaN when there are none. */
    public static double median(List<Double> values) {
      if (values.isEmpty()) {
        return Double.NaN;
      }
      double[] sorted = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      return medianOfSorted(sorted);
    }

    private static double medianOfSorted(double[] sorted) {
      int n = sorted.length;
      return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    /**
     * A bootstrap 95% interval of the median of {@code values}: the 2.5th and 97.5th percentiles of the medians of
     * 1,000 resamples with replacement, with a fixed seed so a report reads the same twice; NaNs when there are no
     * values. It says how far a verdict could move if the run were made again on the same machine.
     */
    public static double[] medianInterval(List<Double> values) {
      if (values.isEmpty()) {
        return new double[] {Double.NaN, Double.NaN};
      }
      SplittableRandom random = new SplittableRandom(1);
      int n = values.size();
      double[] medians = new double[BOOTSTRAP_RESAMPLES];
      double[] resample = new double[n];
      for (int r = 0; r < medians.length; r++) {
        for (int i = 0; i < n; i++) {
          resample[i] = values.get(random.nextInt(n));
        }
        Arrays.sort(resample);
        medians[r] = medianOfSorted(resample);
      }
      Arrays.sort(medians);
      return new double[] {medians[(int) (0.025 * medians.length)], medians[(int) (0.975 * medians.length) - 1]};
    }
  }
}
