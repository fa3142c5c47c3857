package dev.grpcedge.calls;

import io.grpc.ServerCall;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * Stands in for a call's listener until the real one is known (after its token is verified off the event loop):
 * events that arrive before then are held, and {@link #start} passes them on in order, then steps aside. Events
 * are never delivered concurrently: while {@link #start} drains held events on its thread, new ones are held too,
 * and only when none are left do they go straight to the listener (the drain of grpc-java's
 * {@code DelayedClientCall}).
 */
public final class DeferredListener<ReqT> extends ServerCall.Listener<ReqT> {
  private final Object lock = new Object();
  // Held events; null once they pass straight through. Guarded by lock.
  private List<Consumer<ServerCall.Listener<ReqT>>> held = new ArrayList<>();
  // Set, under lock, only when no held event is left to deliver.
  private volatile ServerCall.Listener<ReqT> listener;

  /** Delivers the held events to {@code target} on this thread, then lets later events through. Call once. */
  public void start(ServerCall.Listener<ReqT> target) {
    while (true) {
      List<Consumer<ServerCall.Listener<ReqT>>> batch;
      synchronized (lock) {
        if (held.isEmpty()) {
          held = null;
          listener = target;
          return;
        }
        batch = held;
        held = new ArrayList<>();
      }
      for (Consumer<ServerCall.Listener<ReqT>> event : batch) {
        event.accept(target);
      }
    }
  }

  private void deliver(Consumer<ServerCall.Listener<ReqT>> event) {
    ServerCall.Listener<ReqT> target = listener;
    if (target == null) {
      synchronized (lock) {
        if (held != null) {
          held.add(event);
          return;
        }
      }
      target = listener;
    }
    event.accept(target);
  }

  @Override
  public void onMessage(ReqT message) {
    deliver(target -> target.onMessage(message));
  }

  @Override
  public void onHalfClose() {
    deliver(ServerCall.Listener::onHalfClose);
  }

  @Override
  public void onCancel() {
    deliver(ServerCall.Listener::onCancel);
  }

  @Override
  public void onComplete() {
    deliver(ServerCall.Listener::onComplete);
  }

  @Override
  public void onReady() {
    deliver(ServerCall.Listener::onReady);
  }
}
