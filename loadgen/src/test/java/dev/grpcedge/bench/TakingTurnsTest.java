package dev.grpcedge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.bench.TakingTurns.Result;
import dev.grpcedge.bench.TakingTurns.Slice;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

/**
 * A and B take turns in pairs of alternating order, each operation counts for its own side, A / B pairs right, and
 * an open loop's latencies count from when each call was due.
 */
class TakingTurnsTest {
  private static final double NaN = Double.NaN;

  private static Slice slice(int side, long ok, double seconds, double cpuSeconds, long... latenciesMicros) {
    Histogram latencies = new Histogram(2);
    for (long micros : latenciesMicros) {
      latencies.recordValue(micros);
    }
    return new Slice(side, ok, seconds, cpuSeconds, latencies);
  }

  @Test
  void pairsOfSlicesAlternateTheirOrder() {
    String order = IntStream.range(0, 12).mapToObj(i -> TakingTurns.sideOf(i) == 0 ? "A" : "B")
        .collect(Collectors.joining());
    assertEquals("ABBAABBAABBA", order);
  }

  @Test
  void operationsGoToTheSideWhoseTurnItIsAndCountInItsSlices() throws Exception {
    // A answers OK, B fails: an operation sent to the wrong side, or counted in the other side's slice, shows.
    Workload a = new TestWorkload(done -> done.accept(Status.Code.OK));
    Workload b = new TestWorkload(done -> done.accept(Status.Code.UNAVAILABLE));
    long slice = TimeUnit.MILLISECONDS.toNanos(40);

    Result result;
    try (TakingTurns turns = new TakingTurns(a, b, null, null)) {
      result = turns.run(new ClosedLoop(2), slice, slice, 3);
    }

    assertEquals("ABBAAB", result.slices().stream().map(s -> s.side() == 0 ? "A" : "B").collect(Collectors.joining()));
    for (Slice s : result.slices()) {
      assertTrue(s.side() == 0 ? s.ok() > 0 : s.ok() == 0, result.slices().toString());
      assertTrue(s.seconds() > 0, s.toString());
    }
    assertEquals(0, result.a().errors());
    assertTrue(result.a().ok() > 0);
    assertEquals(0, result.b().ok());
    assertEquals(Map.of(Status.Code.UNAVAILABLE, result.b().errors()), result.b().errorsByCode());
    assertTrue(result.b().errors() > 0);
    // Nothing to divide by: no pair has a ratio.
    assertTrue(result.pairRatios().isEmpty(), result.pairRatios().toString());
  }

  @Test
  void eachPairIsAOverBWhicheverSideCameFirst() {
    Result result = new Result(List.of(
        slice(0, 100, 1, 0.5), slice(1, 50, 1, 0.5),   // A B: 2.0, per CPU-second 2.0
        slice(1, 40, 1, 0.4), slice(0, 80, 2, 1.0),    // B A: 1.0, per CPU-second 2.0 / 100 = 0.8
        slice(0, 30, 1, NaN), slice(1, 60, 1, 0.5)),   // A B: 0.5, no CPU time for A
        new LatencyRecorder(), new LatencyRecorder());

    assertEquals(List.of(2.0, 1.0, 0.5), result.pairRatios());
    assertEquals(1.0, Result.median(result.pairRatios()));
    assertEquals(List.of(2.0, 0.8), result.pairRatiosPerCpuSecond());
    assertEquals(1.4, Result.median(result.pairRatiosPerCpuSecond()), 1e-9);
    assertEquals(4.0, result.seconds(0));
    assertEquals(3.0, result.seconds(1));
  }

  @Test
  void eachPairsLatencyRatioIsAOverBOfItsOwnTurnsPercentile() {
    long[] fast = IntStream.rangeClosed(1, 100).mapToLong(i -> 100).toArray();
    long[] tail = IntStream.rangeClosed(1, 100).mapToLong(i -> i <= 95 ? 100 : 800).toArray();
    Result result = new Result(List.of(
        slice(0, 100, 1, NaN, tail), slice(1, 100, 1, NaN, fast),   // A B: p50 1.0, p99 8.0
        slice(1, 100, 1, NaN, tail), slice(0, 100, 1, NaN, fast),   // B A: p50 1.0, p99 0.125
        slice(0, 100, 1, NaN, fast), slice(1, 0, 1, NaN)),          // A B: B has no latency, no ratio
        new LatencyRecorder(), new LatencyRecorder());

    assertEquals(List.of(1.0, 1.0), result.pairLatencyRatios(50));
    List<Double> p99 = result.pairLatencyRatios(99);
    assertEquals(2, p99.size(), p99.toString());
    assertEquals(8.0, p99.get(0), 0.1);
    assertEquals(0.125, p99.get(1), 0.01);
  }

  @Test
  void openLoopLatencyCountsFromWhenEachCallWasDueInTheTurnItStartedIn() throws Exception {
    ScheduledExecutorService later = Executors.newSingleThreadScheduledExecutor();
    AtomicInteger aCalls = new AtomicInteger();
    // A answers 3 ms later; B at once. A's 120th call, well into the measured turns, holds the generator's only
    // thread for 40 ms and fails: the calls due meanwhile start late, and only their due time shows it.
    Workload a = new TestWorkload(done -> {
      if (aCalls.incrementAndGet() == 120) {
        sleep(40);
        done.accept(Status.Code.UNAVAILABLE);
      } else {
        later.schedule(() -> done.accept(Status.Code.OK), 3, TimeUnit.MILLISECONDS);
      }
    });
    Workload b = new TestWorkload(done -> done.accept(Status.Code.OK));
    long slice = TimeUnit.MILLISECONDS.toNanos(50);

    Result result;
    try (TakingTurns turns = new TakingTurns(a, b, null, null)) {
      result = turns.run(new OpenLoop(1000), slice, slice, 4);
    } finally {
      later.shutdownNow();
    }

    assertEquals(Map.of(Status.Code.UNAVAILABLE, 1L), result.a().errorsByCode());
    Histogram aLatencies = result.a().latencies();
    assertTrue(aLatencies.getValueAtPercentile(50) >= 3000, "A's calls take 3 ms");
    for (double p50 : result.pairLatencyRatios(50)) {
      assertTrue(p50 > 2, result.pairLatencyRatios(50).toString());
    }
    long slowest = Math.max(aLatencies.getMaxValue(), result.b().latencies().getMaxValue());
    assertTrue(slowest >= 30_000, "calls due during the 40 ms stall count it, slowest " + slowest + " us");
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void theMediansIntervalHoldsTheMedianAndNarrowsWithMorePairs() {
    double[] same = Result.medianInterval(List.of(1.0, 1.0, 1.0, 1.0));
    assertEquals(List.of(1.0, 1.0), List.of(same[0], same[1]));

    List<Double> few = IntStream.rangeClosed(1, 21).mapToObj(i -> (double) i).toList();
    List<Double> many = IntStream.rangeClosed(1, 2001).mapToObj(i -> 1 + (i - 1) / 100.0).toList();
    double[] wide = Result.medianInterval(few);
    double[] narrow = Result.medianInterval(many);
    // Both run from 1 to 21 with the median 11; 2,001 values pin it far closer than 21.
    assertTrue(wide[0] < 11 && 11 < wide[1] && wide[0] >= 5 && wide[1] <= 17, wide[0] + "-" + wide[1]);
    assertTrue(narrow[0] < 11 && 11 < narrow[1] && narrow[1] - narrow[0] < (wide[1] - wide[0]) / 4,
        narrow[0] + "-" + narrow[1]);
    assertTrue(Double.isNaN(Result.medianInterval(List.of())[0]));
  }
}
