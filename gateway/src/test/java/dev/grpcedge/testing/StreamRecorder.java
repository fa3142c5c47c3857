package dev.grpcedge.testing;

import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Records what a call's response stream delivers, for asserting on streaming calls. */
public final class StreamRecorder<T> implements StreamObserver<T> {
  private final List<T> messages = new CopyOnWriteArrayList<>();
  private final CompletableFuture<Void> done = new CompletableFuture<>();

  @Override
  public void onNext(T value) {
    messages.add(value);
  }

  @Override
  public void onError(Throwable t) {
    done.completeExceptionally(t);
  }

  @Override
  public void onCompleted() {
    done.complete(null);
  }

  /** True once the call has ended, either way. */
  public boolean done() {
    return done.isDone();
  }

  /** The messages so far. */
  public List<T> messages() {
    return List.copyOf(messages);
  }

  public int count() {
    return messages.size();
  }

  /** Waits for the call to end OK and returns the message texts (via toString of a getMessage field if any). */
  @SuppressWarnings("unchecked")
  public List<String> awaitMessages() throws InterruptedException, TimeoutException {
    try {
      done.get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw Status.fromThrowable(e.getCause()).asRuntimeException();
    }
    return messages.stream().map(m -> m instanceof dev.grpcedge.greeter.proto.HelloReply r ? r.getMessage() : m.toString()).toList();
  }

  /** Waits for the call to end and returns its status. */
  public Status awaitStatus() throws InterruptedException, TimeoutException {
    try {
      done.get(10, TimeUnit.SECONDS);
      return Status.OK;
    } catch (ExecutionException e) {
      return Status.fromThrowable(e.getCause());
    }
  }

  /** Waits until at least {@code n} messages arrived. */
  public void awaitCount(int n) throws InterruptedException {
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (messages.size() < n) {
      if (System.nanoTime() > until) {
        throw new AssertionError("only " + messages.size() + " of " + n + " messages arrived");
      }
      if (done.isDone()) {
        throw new AssertionError("the call ended after " + messages.size() + " messages: " + done);
      }
      Thread.sleep(5);
    }
  }
}
