package dev.grpcedge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.grpc.Status;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The recorder counts only the measured period, OK latencies only, and errors by status code. */
class LatencyRecorderTest {
  @Test
  void warmUpOperationsAreNotCounted() {
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.record(System.nanoTime(), Status.Code.OK);
    recorder.record(System.nanoTime(), Status.Code.UNAVAILABLE);
    recorder.startMeasuring();
    assertEquals(0, recorder.ok());
    assertEquals(0, recorder.errors());
    assertEquals(0, recorder.latencies().getTotalCount());
  }

  @Test
  void errorsAreCountedByCodeAndKeptOutOfTheLatencies() {
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.startMeasuring();
    long start = System.nanoTime();
    recorder.record(start, Status.Code.OK);
    recorder.record(start, Status.Code.OK);
    recorder.record(start, Status.Code.UNAUTHENTICATED);
    recorder.record(start, Status.Code.DEADLINE_EXCEEDED);
    recorder.record(start, Status.Code.DEADLINE_EXCEEDED);
    recorder.stopMeasuring();
    recorder.record(start, Status.Code.OK);
    assertEquals(2, recorder.ok());
    assertEquals(Map.of(Status.Code.UNAUTHENTICATED, 1L, Status.Code.DEADLINE_EXCEEDED, 2L), recorder.errorsByCode());
    assertEquals(2, recorder.latencies().getTotalCount());
  }

  @Test
  void openLoopLatencyCountsFromWhenTheOperationWasDue() {
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.startMeasuring();
    // Due 50 ms ago but answered now: a generator that fell behind must not hide that wait.
    recorder.record(System.nanoTime() - 50_000_000L, Status.Code.OK);
    long micros = recorder.latencies().getMaxValue();
    assertEquals(true, micros >= 50_000, "recorded " + micros + " us");
  }
}
