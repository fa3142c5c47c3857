package dev.grpcedge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The open loop offers its rate, and stops with a clear error rather than queue calls without end. */
class OpenLoopTest {
  @Test
  void targetThatNeverAnswersEndsTheRunOnceFiveSecondsOfCallsAreWaiting() {
    AtomicLong issued = new AtomicLong();
    Workload neverAnswers = new TestWorkload(done -> issued.incrementAndGet());
    LatencyRecorder recorder = new LatencyRecorder();
    long start = System.nanoTime();

    IllegalStateException e = assertThrows(IllegalStateException.class, () -> new OpenLoop(1_000)
        .drive(neverAnswers, recorder, start + TimeUnit.SECONDS.toNanos(20)));

    assertTrue(e.getMessage().contains("not keeping up with 1000 calls/s"), e.getMessage());
    assertTrue(issued.get() > 5_000 && issued.get() < 5_200, "issued " + issued.get());
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
    assertTrue(seconds < 12, "gave up after " + seconds + " s, not at once");
  }

  @Test
  void targetThatAnswersGetsEveryCallDueInTheRun() throws Exception {
    Workload answers = new TestWorkload(done -> done.accept(Status.Code.OK));
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.startMeasuring();

    new OpenLoop(2_000).drive(answers, recorder, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500));

    assertEquals(3_000, recorder.ok(), 2);
    assertEquals(0, recorder.errors());
  }
}
