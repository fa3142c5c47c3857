package dev.grpcedge.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.grpc.Status;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The closed loop keeps exactly its concurrency in flight, and calls that fail at once do not nest. */
class ClosedLoopTest {
  @Test
  void operationsThatFailAsTheyStartAreIssuedOneAfterAnotherNotInsideEachOther() throws Exception {
    // A channel to a server that is down fails each call inside issue(), on the caller's thread.
    AtomicInteger depth = new AtomicInteger();
    AtomicInteger deepest = new AtomicInteger();
    Workload failingAtOnce = new TestWorkload(done -> {
      deepest.accumulateAndGet(depth.incrementAndGet(), Math::max);
      try {
        done.accept(Status.Code.UNAVAILABLE);
      } finally {
        depth.decrementAndGet();
      }
    });
    LatencyRecorder recorder = new LatencyRecorder();
    recorder.startMeasuring();

    new ClosedLoop(4).drive(failingAtOnce, recorder, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300));

    assertEquals(1, deepest.get(), "an operation was issued from inside another's issue()");
    assertEquals(0, recorder.ok());
    assertEquals(Map.of(Status.Code.UNAVAILABLE, recorder.errors()), recorder.errorsByCode());
    // Far more than a nested loop gets through before its stack overflows.
    assertTrue(recorder.errors() > 50_000, "errors recorded: " + recorder.errors());
  }

  @Test
  void operationsCompletedOnOtherThreadsKeepTheConcurrencyInFlight() throws Exception {
    ExecutorService completer = Executors.newFixedThreadPool(3);
    try {
      AtomicInteger inFlight = new AtomicInteger();
      AtomicInteger most = new AtomicInteger();
      Workload async = new TestWorkload(done -> {
        most.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
        completer.execute(() -> {
          inFlight.decrementAndGet();
          done.accept(Status.Code.OK);
        });
      });
      LatencyRecorder recorder = new LatencyRecorder();
      recorder.startMeasuring();

      new ClosedLoop(8).drive(async, recorder, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300));

      assertEquals(8, most.get());
      assertEquals(0, inFlight.get(), "drive() returned with operations in flight");
      assertEquals(0, recorder.errors());
      assertTrue(recorder.ok() > 8, "OK operations: " + recorder.ok());
    } finally {
      completer.shutdownNow();
    }
  }
}
