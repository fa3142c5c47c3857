package dev.grpcedge.greeter;

import dev.grpcedge.greeter.proto.HelloReply;
import io.grpc.Context;
import io.grpc.stub.ServerCallStreamObserver;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One {@code LotsOfReplies} stream: a greeting per tick on a shared scheduler. It respects flow control (a tick
 * that finds the transport not ready waits for {@code onReady}) and stops on cancellation or deadline: the
 * cancel handler drops the pending tick, so no work continues for a dead call.
 */
final class ReplyStream {
  private final ServerCallStreamObserver<HelloReply> call;
  private final ScheduledExecutorService scheduler;
  private final AtomicInteger activeStreams;
  private final String name;
  private final int count;
  private final long intervalMillis;

  // Guarded by this.
  private int sent;
  private boolean done;
  private boolean waitingForReady;
  private Future<?> pending;

  ReplyStream(
      ServerCallStreamObserver<HelloReply> call,
      ScheduledExecutorService scheduler,
      AtomicInteger activeStreams,
      String name,
      int count,
      long intervalMillis) {
    this.call = call;
    this.scheduler = scheduler;
    this.activeStreams = activeStreams;
    this.name = name;
    this.count = count;
    this.intervalMillis = intervalMillis;
  }

  void start() {
    activeStreams.incrementAndGet();
    call.setOnCancelHandler(this::stop);
    call.setOnReadyHandler(this::onReady);
    // The call's Context is cancelled also when an interceptor ends the call (e.g. its token expired).
    Context.current().addListener(context -> stop(), Runnable::run);
    synchronized (this) {
      pending = scheduler.submit(this::tick);
    }
  }

  private synchronized void onReady() {
    if (waitingForReady && !done) {
      waitingForReady = false;
      pending = scheduler.submit(this::tick);
    }
  }

  private synchronized void tick() {
    if (done) {
      return;
    }
    if (call.isCancelled()) {
      stop();
      return;
    }
    if (!call.isReady()) {
      waitingForReady = true;
      return;
    }
    sent++;
    call.onNext(GreeterService.reply("Hello, " + name + "! (" + sent + " of " + count + ")"));
    if (sent == count) {
      call.onCompleted();
      stop();
      return;
    }
    pending = intervalMillis == 0
        ? scheduler.submit(this::tick)
        : scheduler.schedule(this::tick, intervalMillis, TimeUnit.MILLISECONDS);
  }

  private synchronized void stop() {
    if (done) {
      return;
    }
    done = true;
    if (pending != null) {
      pending.cancel(false);
    }
    activeStreams.decrementAndGet();
  }
}
