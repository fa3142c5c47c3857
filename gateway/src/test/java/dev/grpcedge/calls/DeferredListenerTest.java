package dev.grpcedge.calls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.grpc.ServerCall;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** Events wait for the listener, reach it in order, and never two at a time. */
class DeferredListenerTest {
  @Test
  void eventsBeforeStartAreHeldThenDeliveredInOrder() {
    DeferredListener<Integer> deferred = new DeferredListener<>();
    Recorder recorder = new Recorder();

    deferred.onReady();
    deferred.onMessage(1);
    deferred.onMessage(2);
    deferred.onHalfClose();
    assertEquals(List.of(), recorder.events);

    deferred.start(recorder);
    assertEquals(List.of("ready", "1", "2", "half-close"), recorder.events);

    deferred.onComplete();
    assertEquals(List.of("ready", "1", "2", "half-close", "complete"), recorder.events);
  }

  @Test
  void cancelWhileWaitingReachesTheListenerItIsStartedWith() {
    DeferredListener<Integer> deferred = new DeferredListener<>();
    Recorder recorder = new Recorder();

    deferred.onCancel();
    deferred.start(recorder);

    assertEquals(List.of("cancel"), recorder.events);
  }

  @Test
  void eventsArrivingWhileStartDeliversAreNeitherConcurrentNorReordered() throws Exception {
    int messages = 200_000;
    DeferredListener<Integer> deferred = new DeferredListener<>();
    Recorder recorder = new Recorder();
    CountDownLatch someHeld = new CountDownLatch(1);
    // The transport's thread keeps delivering while another thread starts the listener.
    CompletableFuture<Void> transport = CompletableFuture.runAsync(() -> {
      for (int i = 0; i < messages; i++) {
        deferred.onMessage(i);
        if (i == 1_000) {
          someHeld.countDown();
        }
      }
      deferred.onHalfClose();
    });
    someHeld.await(10, TimeUnit.SECONDS);
    deferred.start(recorder);
    transport.get(30, TimeUnit.SECONDS);

    assertFalse(recorder.overlapped, "two events were delivered at the same time");
    assertEquals(messages + 1, recorder.events.size());
    for (int i = 0; i < messages; i++) {
      assertEquals(Integer.toString(i), recorder.events.get(i));
    }
    assertEquals("half-close", recorder.events.get(messages));
  }

  /** Records events, and whether one began while another was being delivered. */
  private static final class Recorder extends ServerCall.Listener<Integer> {
    final List<String> events = new ArrayList<>();
    final AtomicBoolean inside = new AtomicBoolean();
    volatile boolean overlapped;

    private void record(String event) {
      if (!inside.compareAndSet(false, true)) {
        overlapped = true;
      }
      events.add(event);
      if (events.size() % 1_000 == 0) {
        Thread.onSpinWait(); // a slow event now and then, so the other thread gets ahead
      }
      inside.set(false);
    }

    @Override
    public void onMessage(Integer message) {
      record(message.toString());
    }

    @Override
    public void onHalfClose() {
      record("half-close");
    }

    @Override
    public void onCancel() {
      record("cancel");
    }

    @Override
    public void onComplete() {
      record("complete");
    }

    @Override
    public void onReady() {
      record("ready");
    }
  }
}
