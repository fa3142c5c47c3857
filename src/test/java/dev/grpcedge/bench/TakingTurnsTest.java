package dev.grpcedge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.grpcedge.bench.TakingTurns.Result;
import dev.grpcedge.bench.TakingTurns.Slice;
import io.grpc.Status;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** A and B take turns in pairs of alternating order, each operation counts for its own side, and A / B pairs right. */
class TakingTurnsTest {
  private static final double NaN = Double.NaN;

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
        new Slice(0, 100, 1, 0.5), new Slice(1, 50, 1, 0.5),   // A B: 2.0, per CPU-second 2.0
        new Slice(1, 40, 1, 0.4), new Slice(0, 80, 2, 1.0),    // B A: 1.0, per CPU-second 2.0 / 100 = 0.8
        new Slice(0, 30, 1, NaN), new Slice(1, 60, 1, 0.5)),   // A B: 0.5, no CPU time for A
        new LatencyRecorder(), new LatencyRecorder());

    assertEquals(List.of(2.0, 1.0, 0.5), result.pairRatios());
    assertEquals(1.0, Result.median(result.pairRatios()));
    assertEquals(List.of(2.0, 0.8), result.pairRatiosPerCpuSecond());
    assertEquals(1.4, Result.median(result.pairRatiosPerCpuSecond()), 1e-9);
    assertEquals(4.0, result.seconds(0));
    assertEquals(3.0, result.seconds(1));
  }
}
